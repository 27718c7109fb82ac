import { afterEach, describe, expect, it, vi } from 'vitest'
import { callUpsdk } from './call'
import { UpsdkError } from './errors'
import type { UpsdkGlobal } from './types'

type Cb = { success: (a?: unknown) => void; fail: (e: unknown) => void } & Record<string, unknown>

function fakeUpsdk(impl: (p: Cb) => void) {
  const method = vi.fn(impl)
  const upsdk: UpsdkGlobal = { config: vi.fn(), ready: vi.fn(), error: vi.fn(), scanQRCode: method }
  return { upsdk, method }
}

afterEach(() => vi.useRealTimers())

describe('callUpsdk', () => {
  it('calls the bridge exactly once and resolves with the success answer', async () => {
    const { upsdk, method } = fakeUpsdk((p) => {
      p.success('hello')
      p.success('again')
      p.fail('late')
    })
    await expect(callUpsdk('scanQRCode', { scanType: ['qrCode'], empty: undefined }, { upsdk })).resolves.toBe('hello')
    expect(method).toHaveBeenCalledTimes(1)
    const sent = method.mock.calls[0]?.[0] as Record<string, unknown>
    expect(sent.scanType).toEqual(['qrCode'])
    expect('empty' in sent).toBe(false)
  })

  it.each([
    [{ errcode: 'c05', errmsg: '未 config' }, 'c05', 'sdk', '未 config'],
    [{ errcode: 0, errmsg: '' }, '0', 'sdk', 'scanQRCode 调用失败'],
    [{ code: '03', msg: '文件过大' }, '03', 'native', '文件过大'],
    [{ msg: '用户取消' }, 'plugin_fail', 'plugin', '用户取消'],
    ['取消', 'plugin_fail', 'plugin', '取消'],
    [undefined, 'plugin_fail', 'plugin', 'scanQRCode 调用失败'],
  ])('maps the failure %j to an UpsdkError', async (raw, code, source, message) => {
    const { upsdk, method } = fakeUpsdk((p) => p.fail(raw))
    const err = await callUpsdk('scanQRCode', {}, { upsdk }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UpsdkError)
    expect(err).toMatchObject({ code, source, message, raw, method: 'scanQRCode' })
    expect(method).toHaveBeenCalledTimes(1)
  })

  it('turns a throwing bridge into a rejection', async () => {
    const { upsdk } = fakeUpsdk(() => {
      throw new Error('bridge broken')
    })
    await expect(callUpsdk('scanQRCode', {}, { upsdk })).rejects.toMatchObject({
      code: 'plugin_fail',
      message: 'bridge broken',
    })
  })

  it('rejects with not_available when the method does not exist', async () => {
    const { upsdk } = fakeUpsdk(() => undefined)
    await expect(callUpsdk('nope', {}, { upsdk })).rejects.toMatchObject({
      code: 'not_available',
      source: 'environment',
    })
  })

  it('times out when nothing answers', async () => {
    vi.useFakeTimers()
    const { upsdk } = fakeUpsdk(() => undefined)
    const p = callUpsdk('scanQRCode', {}, { upsdk, timeoutMs: 1000 }).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(1000)
    expect(await p).toMatchObject({ code: 'timeout', source: 'timeout' })
  })

  it('optimisticAfterMs: resolves when nothing failed in time, rejects on an early fail', async () => {
    vi.useFakeTimers()
    const silent = fakeUpsdk(() => undefined)
    const p = callUpsdk('scanQRCode', {}, { upsdk: silent.upsdk, optimisticAfterMs: 300 })
    await vi.advanceTimersByTimeAsync(300)
    await expect(p).resolves.toBeUndefined()
    const failing = fakeUpsdk((cb) => setTimeout(() => cb.fail({ errcode: 'c00', errmsg: 'x' }), 10))
    const q = callUpsdk('scanQRCode', {}, { upsdk: failing.upsdk, optimisticAfterMs: 300 }).catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(300)
    expect(await q).toMatchObject({ code: 'c00' })
  })
})
