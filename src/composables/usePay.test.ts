import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { createUpsdkClient } from '@/upsdk/client'
import type { UpsdkGlobal } from '@/upsdk/types'
import { usePay } from './usePay'

const IN_APP_UA = 'Mozilla/5.0 (Linux; Android 13) Mobile (com.unionpay.chsp) (cordova 4.5.4) (updebug 0)'

type PayParams = { tn: string; success: (a?: unknown) => void; fail: (e: unknown) => void }

/** An upsdk whose config always succeeds (through its ready queue) and whose pay answers with `answer`. */
function fakeUpsdk(answer: (p: PayParams) => void) {
  const pay = vi.fn(answer)
  const ready: Array<() => void> = []
  const upsdk: UpsdkGlobal = {
    config: () => void setTimeout(() => ready.forEach((cb) => cb()), 0),
    ready: (cb) => void ready.push(cb),
    error: () => undefined,
    pay,
  }
  return { upsdk, pay }
}
const sign = async () => ({ appId: 'a', timestamp: '1', nonceStr: 'n', signature: 's' })
const client = (upsdk: UpsdkGlobal, userAgent = IN_APP_UA) =>
  createUpsdkClient({ upsdk, userAgent, getUrl: () => 'https://h5/pay', fetchSignature: sign })

/** The server: issues a tn, then reports the order status given by `statuses` in turn. */
function fakeServer(statuses: string[]) {
  const calls: string[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? 'GET'} ${url}`)
      if (url === '/api/pay/tn')
        return new Response(JSON.stringify({ orderId: '1017000000000000000000000001', tn: '123456789012345678901' }), {
          status: 200,
        })
      const status = statuses.length > 1 ? statuses.shift() : statuses[0]
      return new Response(
        JSON.stringify({
          merOrderId: '1017000000000000000000000001',
          kind: 'tn',
          channel: 'upsdk',
          amount: 100,
          refundedAmount: 0,
          status,
          description: null,
          payTime: null,
          createdAt: 0,
          updatedAt: 0,
        }),
        { status: 200 },
      )
    }),
  )
  return calls
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('usePay', () => {
  it('is not supported outside 云闪付 and says so instead of calling upsdk', async () => {
    const { upsdk, pay } = fakeUpsdk(() => {})
    const p = usePay({ client: client(upsdk, 'Mozilla/5.0 Chrome') })
    expect(p.isSupported.value).toBe(false)
    expect(await p.payWithTn(100)).toBeNull()
    expect(p.phase.value).toBe('error')
    expect(p.message.value).toContain('云闪付')
    expect(pay).not.toHaveBeenCalled()
  })

  it('success: calls upsdk.pay once with the tn, then trusts only the server', async () => {
    const calls = fakeServer(['NEW_ORDER', 'TRADE_SUCCESS'])
    const { upsdk, pay } = fakeUpsdk((p) => p.success())
    const p = usePay({ client: client(upsdk), confirmIntervalMs: 1 })
    const order = await p.payWithTn(100)
    expect(pay).toHaveBeenCalledTimes(1)
    expect(pay.mock.calls[0]?.[0].tn).toBe('123456789012345678901')
    expect(p.sdkOutcome.value).toBe('success')
    expect(order?.status).toBe('TRADE_SUCCESS')
    expect(p.phase.value).toBe('done')
    expect(calls.filter((c) => c.startsWith('GET /api/pay/orders/'))).toHaveLength(2)
  })

  it('cancel or failure ({msg} only): still checks the server, which may say paid', async () => {
    fakeServer(['TRADE_SUCCESS'])
    const { upsdk } = fakeUpsdk((p) => p.fail({ msg: '用户取消了交易' }))
    const p = usePay({ client: client(upsdk), confirmIntervalMs: 1 })
    const order = await p.payWithTn(100)
    expect(p.sdkOutcome.value).toBe('cancel_or_fail')
    expect(p.message.value).toBe('用户取消了交易')
    expect(order?.status).toBe('TRADE_SUCCESS')
  })

  it('cancel with the order still unpaid: a short check, then done', async () => {
    const calls = fakeServer(['WAIT_BUYER_PAY'])
    const { upsdk } = fakeUpsdk((p) => p.fail({ msg: '交易失败' }))
    const p = usePay({ client: client(upsdk), confirmIntervalMs: 1, confirmAttempts: 6 })
    const order = await p.payWithTn(100)
    expect(order?.status).toBe('WAIT_BUYER_PAY')
    expect(calls.filter((c) => c.startsWith('GET')).length).toBe(2)
  })

  it('stops checking when its scope is disposed', async () => {
    const calls = fakeServer(['NEW_ORDER'])
    const { upsdk } = fakeUpsdk((p) => p.success())
    const scope = effectScope()
    const p = scope.run(() => usePay({ client: client(upsdk), confirmIntervalMs: 5, confirmAttempts: 50 }))!
    const done = p.payWithTn(100)
    await new Promise((r) => setTimeout(r, 20))
    scope.stop()
    await done
    expect(calls.filter((c) => c.startsWith('GET')).length).toBeLessThan(50)
  })
})
