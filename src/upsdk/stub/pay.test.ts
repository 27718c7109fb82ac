import { afterEach, describe, expect, it, vi } from 'vitest'
import { testHost } from './test-host'
import { installPay } from './pay'

const host = () => testHost('pay')

afterEach(() => vi.unstubAllGlobals())

describe('stub upsdk.pay', () => {
  it('tells the sandbox the outcome; fail answers only {msg}', async () => {
    const fetch = vi.fn(async () => new Response('{"ok":true}', { status: 200 }))
    vi.stubGlobal('fetch', fetch)
    const { h, call } = host()
    const handle = installPay(h)
    handle.script('cancel')
    handle.script('fail')
    expect(await call({ tn: '123456789012345678901' })).toEqual({ ok: false, answer: { msg: '用户取消了交易' } })
    expect(await call({ tn: '123456789012345678901' })).toEqual({ ok: false, answer: { msg: '交易失败，请稍后重试' } })
    expect((await call({ tn: '123456789012345678901' })).ok).toBe(true)
    expect(handle.paid).toEqual(['123456789012345678901'])
    expect(fetch).toHaveBeenCalledWith('/sandbox/chinaums/tn/pay', expect.objectContaining({ method: 'POST', body: JSON.stringify({ tn: '123456789012345678901', outcome: 'success' }) }))
  })

  it('an invalid or unknown tn fails like the real control', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"ok":false}', { status: 404 })))
    const { h, call } = host()
    installPay(h)
    expect(await call({})).toEqual({ ok: false, answer: { msg: 'TN号不合法' } })
    expect(await call({ tn: '999999999999999999999' })).toEqual({ ok: false, answer: { msg: 'TN号不合法' } })
  })
})
