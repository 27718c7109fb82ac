import { afterEach, describe, expect, it, vi } from 'vitest'
import { installPay } from './pay'
import { testHost } from './test-host'

const host = () => testHost('pay')

const TN = '123456789012345678901'
const sheet = () => document.querySelector('[data-upsdk-stub="pay-sheet"]')

afterEach(() => {
  vi.unstubAllGlobals()
  sheet()?.remove()
})

describe('stub pay sheet', () => {
  it('shows the tn with 支付 / 取消 / 失败 and answers only after a tap', async () => {
    const fetch = vi.fn(async () => new Response('{"ok":true}', { status: 200 }))
    vi.stubGlobal('fetch', fetch)
    const { h, call } = host()
    const handle = installPay(h)
    const answer = call({ tn: TN })
    await vi.waitFor(() => expect(sheet()).not.toBeNull())
    expect(sheet()?.textContent).toContain(TN)
    expect([...(sheet()?.querySelectorAll('button') ?? [])].map((b) => b.textContent)).toEqual(['支付', '取消', '失败'])
    expect(handle.open).toBe(TN)
    expect(fetch).not.toHaveBeenCalled()
    ;(sheet()?.querySelector('[data-outcome="cancel"]') as HTMLButtonElement).click()
    expect(await answer).toEqual({ ok: false, answer: { msg: '用户取消了交易' } })
    expect(sheet()).toBeNull()
    expect(fetch).toHaveBeenCalledWith(
      '/sandbox/chinaums/tn/pay',
      expect.objectContaining({ body: JSON.stringify({ tn: TN, outcome: 'cancel' }) }),
    )
  })

  it('scripted outcomes choose by themselves; fail answers only {msg}', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('{"ok":true}', { status: 200 })),
    )
    const { h, call } = host()
    const handle = installPay(h)
    handle.setAutoChooseMs(0)
    handle.script('fail')
    handle.script('success')
    expect(await call({ tn: TN })).toEqual({ ok: false, answer: { msg: '交易失败，请稍后重试' } })
    expect((await call({ tn: TN })).ok).toBe(true)
    expect(handle.paid).toEqual([TN])
  })

  it('an invalid or unknown tn fails like the real control', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('{"ok":false}', { status: 404 })),
    )
    const { h, call } = host()
    const handle = installPay(h)
    expect(await call({})).toEqual({ ok: false, answer: { msg: 'TN号不合法' } })
    const pending = call({ tn: '999999999999999999999' })
    expect(handle.choose('success')).toBe(true)
    expect(await pending).toEqual({ ok: false, answer: { msg: 'TN号不合法' } })
  })
})
