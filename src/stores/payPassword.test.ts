import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { UpsdkError } from '@/upsdk/errors'
import { usePayPasswordStore } from './payPassword'

const verifyPayPwd = vi.fn<(p: { transNo: string; bizType: string }) => Promise<void>>()
vi.mock('@/upsdk/plugins', () => ({ verifyPayPwd: (p: { transNo: string; bizType: string }) => verifyPayPwd(p) }))

const answer = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const view = (status: string) => ({
  bizOrderId: 'B1',
  purpose: 'withdraw',
  purposeName: '提现到银行卡',
  status,
  verifiedAt: null,
  usedAt: null,
})

describe('pay-password store', () => {
  const fetchMock = vi.fn<(input: string, init?: RequestInit) => Promise<Response>>()
  beforeEach(() => {
    setActivePinia(createPinia())
    fetchMock.mockReset()
    verifyPayPwd.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('runs the action only after the server says verified', async () => {
    fetchMock
      .mockResolvedValueOnce(answer(200, { bizOrderId: 'B1', transNo: 'T1', bizType: '4a' }))
      .mockResolvedValueOnce(answer(200, view('pending')))
      .mockResolvedValueOnce(answer(200, view('verified')))
      .mockResolvedValueOnce(answer(200, view('used')))
    verifyPayPwd.mockResolvedValue()
    const store = usePayPasswordStore()
    store.configure({ confirmIntervalMs: 1 })
    const r = await store.run('withdraw')
    expect(verifyPayPwd).toHaveBeenCalledWith({ transNo: 'T1', bizType: '4a' })
    expect(fetchMock.mock.calls.map((c) => `${c[1]?.method} ${c[0]}`)).toEqual([
      'POST /api/pay-password/verifications',
      'GET /api/pay-password/verifications/B1',
      'GET /api/pay-password/verifications/B1',
      'POST /api/pay-password/verifications/B1/use',
    ])
    expect(r?.status).toBe('used')
    expect(store.phase).toBe('done')
  })

  it('the plugin saying success is not enough: no notification, no action', async () => {
    fetchMock.mockResolvedValueOnce(answer(200, { bizOrderId: 'B1', transNo: 'T1', bizType: '4a' }))
    fetchMock.mockImplementation(async () => answer(200, view('pending')))
    verifyPayPwd.mockResolvedValue()
    const store = usePayPasswordStore()
    store.configure({ confirmAttempts: 3, confirmIntervalMs: 1 })
    expect(await store.run('withdraw')).toBeNull()
    expect(store.phase).toBe('error')
    expect(store.errorCode).toBe('NOT_CONFIRMED')
    expect(fetchMock.mock.calls.some((c) => String(c[0]).endsWith('/use'))).toBe(false)
  })

  it('a wrong password shows the plugin message; an expired login is named', async () => {
    fetchMock.mockResolvedValueOnce(answer(200, { bizOrderId: 'B1', transNo: 'T1', bizType: '4a' }))
    verifyPayPwd.mockRejectedValueOnce(
      new UpsdkError('plugin_failed', '支付密码错误', 'plugin', { msg: '支付密码错误' }, 'verifyPayPwd'),
    )
    const store = usePayPasswordStore()
    await store.run('withdraw')
    expect(store.message).toContain('支付密码错误')
    expect(fetchMock).toHaveBeenCalledTimes(1)

    fetchMock.mockResolvedValueOnce(
      answer(401, { error: { code: 'ACCESS_TOKEN_EXPIRED', message: '云闪付授权已过期' } }),
    )
    await store.run('withdraw')
    expect(store.errorCode).toBe('ACCESS_TOKEN_EXPIRED')
    expect(verifyPayPwd).toHaveBeenCalledTimes(1)
  })
})
