import { afterEach, describe, expect, it, vi } from 'vitest'
import { testHost } from './test-host'
import { installPayPwd } from './pay-pwd'

const host = () => testHost('verifyPayPwd')

afterEach(() => vi.unstubAllGlobals())

describe('stub upsdk.verifyPayPwd', () => {
  it('tells the sandbox what the user typed; success answers nothing, failures {msg}', async () => {
    const fetch = vi.fn(async (_url: string, init: RequestInit) => {
      const { outcome } = JSON.parse(String(init.body)) as { outcome: string }
      return outcome === 'success'
        ? new Response('{"ok":true}')
        : new Response(JSON.stringify({ ok: false, msg: '支付密码错误' }))
    })
    vi.stubGlobal('fetch', fetch)
    const { h, call } = host()
    const handle = installPayPwd(h)
    handle.script('wrong')
    expect(await call({ transNo: 'T1', bizType: '4a' })).toEqual({ ok: false, answer: { msg: '支付密码错误' } })
    expect(await call({ transNo: 'T1', bizType: '4a' })).toEqual({ ok: true, answer: undefined })
    expect(handle.verified).toEqual(['T1'])
    expect(fetch).toHaveBeenLastCalledWith(
      '/sandbox/unionpay/__upsdk/verify-pay-pwd',
      expect.objectContaining({ body: JSON.stringify({ transNo: 'T1', bizType: '4a', outcome: 'success' }) }),
    )
  })

  it("an unknown transNo fails with the sandbox's message", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ ok: false, msg: '支付密码验证流水号不存在' }), { status: 404 })),
    )
    const { h, call } = host()
    installPayPwd(h)
    expect(await call({ transNo: 'nope', bizType: '4a' })).toEqual({
      ok: false,
      answer: { msg: '支付密码验证流水号不存在' },
    })
  })
})
