import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ALL_PLUGIN_NAMES, PLUGIN_NAMES } from '../plugin-names'
import type { UpsdkGlobal } from '../types'
import { createUpsdkStub, type UpsdkStubOptions } from './core'

const IN_APP_UA = 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36 (com.unionpay.chsp) (cordova 4.5.4) (updebug 0) (version 929)'
const BROWSER_UA = 'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36'
const PAGE = 'https://h5.example.com/pay?x=1'
const GOOD = { appId: 'app', timestamp: '1700000000', nonceStr: 'n', signature: 'good' }

/** A sandbox verify endpoint that accepts the signature 'good'. */
function fakeSandbox() {
  const bodies: Record<string, unknown>[] = []
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Record<string, unknown>
    bodies.push(body)
    const ok = body.signature === 'good'
    return new Response(JSON.stringify(ok ? { ok: true } : { ok: false, errcode: 'c01', errmsg: 'upsdk.config 验签失败' }), {
      headers: { 'content-type': 'application/json' },
    })
  })
  return { fetch: fetch as unknown as typeof globalThis.fetch, bodies, spy: fetch }
}

let url = PAGE
function makeStub(extra: UpsdkStubOptions = {}) {
  const sandbox = fakeSandbox()
  const stub = createUpsdkStub({ userAgent: IN_APP_UA, getUrl: () => url, fetch: sandbox.fetch, ...extra })
  return { ...stub, sandbox }
}
function call(upsdk: UpsdkGlobal, method: string, params: Record<string, unknown> = {}) {
  return new Promise<{ ok: boolean; value: unknown }>((resolve) => {
    ;(upsdk[method] as (p: unknown) => void)({ ...params, success: (v: unknown) => resolve({ ok: true, value: v }), fail: (e: unknown) => resolve({ ok: false, value: e }) })
  })
}
function configured(upsdk: UpsdkGlobal, options = GOOD) {
  return new Promise<void>((resolve, reject) => {
    upsdk.config(options)
    upsdk.ready(resolve)
    upsdk.error(reject)
  })
}

beforeEach(() => {
  url = PAGE
})
afterEach(() => {
  vi.useRealTimers()
})

describe('upsdk stub: config', () => {
  it('defines config/ready/error and every plugin of the spec', () => {
    const { upsdk } = makeStub()
    expect(PLUGIN_NAMES).toHaveLength(53)
    for (const name of ALL_PLUGIN_NAMES) expect(typeof upsdk[name], name).toBe('function')
  })

  it('fails a plugin call before config at once with c05, without queueing it', () => {
    const { upsdk, handle } = makeStub()
    const fail = vi.fn()
    const success = vi.fn()
    ;(upsdk.scanQRCode as (p: unknown) => void)({ success, fail })
    expect(fail).toHaveBeenCalledTimes(1)
    expect(fail.mock.calls[0]?.[0]).toMatchObject({ errcode: 'c05' })
    expect(success).not.toHaveBeenCalled()
    expect(handle.calls.at(-1)).toMatchObject({ method: 'scanQRCode', outcome: 'fail' })
  })

  it('verifies the signature with the sandbox for the page URL without #', async () => {
    url = `${PAGE}#/deep`
    const { upsdk, sandbox, handle } = makeStub({ sandboxBase: '/sb' })
    await configured(upsdk)
    expect(sandbox.spy.mock.calls[0]?.[0]).toBe('/sb/unionpay/__upsdk/verify-config')
    expect(sandbox.bodies[0]).toEqual({ ...GOOD, url: PAGE })
    expect(handle.configState).toBe('ready')
    expect(handle.configuredUrl).toBe(PAGE)
    expect(handle.calls[0]).toMatchObject({ method: 'config', outcome: 'success' })
  })

  it('toasts the config result when debug is on, as the app does', async () => {
    const { upsdk } = makeStub()
    upsdk.config({ ...GOOD, signature: 'bad', debug: true })
    await vi.waitFor(() => expect(document.querySelector('[data-upsdk-stub="toast"]')?.textContent).toBe('c01：upsdk.config 验签失败'))
  })

  it('queues ready callbacks until config succeeds, then runs later ones at once', async () => {
    const { upsdk } = makeStub()
    const order: string[] = []
    upsdk.ready(() => order.push('early'))
    upsdk.config(GOOD)
    upsdk.ready(() => order.push('queued'))
    expect(order).toEqual([])
    await vi.waitFor(() => expect(order).toEqual(['early', 'queued']))
    upsdk.ready(() => order.push('late'))
    expect(order).toEqual(['early', 'queued', 'late'])
  })

  it('calls the single error slot (last one wins) with {errcode, errmsg} on a bad signature', async () => {
    const { upsdk, handle } = makeStub()
    const first = vi.fn()
    const second = vi.fn()
    const ready = vi.fn()
    upsdk.config({ ...GOOD, signature: 'bad' })
    upsdk.ready(ready)
    upsdk.error(first)
    upsdk.error(second)
    await vi.waitFor(() => expect(second).toHaveBeenCalledTimes(1))
    expect(second).toHaveBeenCalledWith({ errcode: 'c01', errmsg: 'upsdk.config 验签失败' })
    expect(first).not.toHaveBeenCalled()
    expect(ready).not.toHaveBeenCalled()
    expect(handle.configState).toBe('error')
    const late = vi.fn()
    upsdk.error(late)
    expect(late).toHaveBeenCalledWith({ errcode: 'c01', errmsg: 'upsdk.config 验签失败' })
  })

  it('fails config with c00 when a field is missing and c01 when url is not the page URL', () => {
    const { upsdk } = makeStub()
    const err = vi.fn()
    upsdk.config({ ...GOOD, nonceStr: '' })
    upsdk.error(err)
    expect(err.mock.calls[0]?.[0]).toMatchObject({ errcode: 'c00' })
    upsdk.config({ ...GOOD, url: 'https://other.example.com/' })
    upsdk.error(err)
    expect(err.mock.calls[1]?.[0]).toMatchObject({ errcode: 'c01' })
  })

  it('replays a config that arrived before the bridge was ready', async () => {
    vi.useFakeTimers()
    const { upsdk, sandbox } = makeStub({ bridgeDelayMs: 500 })
    const ready = vi.fn()
    upsdk.config(GOOD)
    upsdk.ready(ready)
    await vi.advanceTimersByTimeAsync(100)
    expect(sandbox.spy).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(500)
    vi.useRealTimers()
    await vi.waitFor(() => expect(ready).toHaveBeenCalledTimes(1))
  })

  it('needs a new config after the page URL changed (SPA route)', async () => {
    const { upsdk } = makeStub()
    await configured(upsdk)
    expect((await call(upsdk, 'getLocationCity')).ok).toBe(true)
    url = 'https://h5.example.com/orders'
    const r = await call(upsdk, 'getLocationCity')
    expect(r).toMatchObject({ ok: false, value: { errcode: 'c05' } })
    await configured(upsdk)
    expect((await call(upsdk, 'getLocationCity')).ok).toBe(true)
  })
})

describe('upsdk stub: outside 云闪付', () => {
  it('newest script: config "succeeds" and plugin calls never answer', async () => {
    vi.useFakeTimers()
    const { upsdk, sandbox, handle } = makeStub({ userAgent: BROWSER_UA })
    const ready = vi.fn()
    upsdk.config(GOOD)
    upsdk.ready(ready)
    await vi.advanceTimersByTimeAsync(10)
    expect(ready).toHaveBeenCalledTimes(1)
    expect(sandbox.spy).not.toHaveBeenCalled()
    const success = vi.fn()
    const fail = vi.fn()
    ;(upsdk.scanQRCode as (p: unknown) => void)({ success, fail })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(success).not.toHaveBeenCalled()
    expect(fail).not.toHaveBeenCalled()
    expect(handle.calls.at(-1)).toMatchObject({ method: 'scanQRCode', outcome: 'pending' })
  })

  it('legacy script: c101 on config and on calls', () => {
    const { upsdk } = makeStub({ userAgent: BROWSER_UA, outsideApp: 'legacy' })
    const err = vi.fn()
    upsdk.config(GOOD)
    upsdk.error(err)
    expect(err.mock.calls[0]?.[0]).toMatchObject({ errcode: 'c101' })
    const fail = vi.fn()
    ;(upsdk.pay as (p: unknown) => void)({ tn: '1', fail })
    expect(fail.mock.calls[0]?.[0]).toMatchObject({ errcode: 'c101' })
  })
})

describe('upsdk stub: scripting', () => {
  it('answers plausible defaults, asynchronously', async () => {
    const { upsdk } = makeStub()
    await configured(upsdk)
    let answered = false
    ;(upsdk.getScreenBrightness as (p: unknown) => void)({ success: () => (answered = true) })
    expect(answered).toBe(false)
    await vi.waitFor(() => expect(answered).toBe(true))
    expect(await call(upsdk, 'getLocationGps')).toEqual({ ok: true, value: JSON.stringify({ latitude: '31.23958', longitude: '121.499763' }) })
  })

  it('rejects missing required parameters with c00 before the native side', async () => {
    const { upsdk } = makeStub()
    await configured(upsdk)
    expect(await call(upsdk, 'pay', {})).toEqual({ ok: false, value: { errcode: 'c00', errmsg: '参数错误：缺少 tn' } })
  })

  it('uses a persistent script, a one-per-call queue, delays, never, and a function', async () => {
    vi.useFakeTimers()
    const { upsdk, handle } = makeStub()
    const ready = configured(upsdk)
    await vi.advanceTimersByTimeAsync(1)
    await ready
    handle.script('scanQRCode', { answer: { value: 'A' } })
    const a = call(upsdk, 'scanQRCode')
    await vi.advanceTimersByTimeAsync(1)
    expect(await a).toEqual({ ok: true, value: { value: 'A' } })
    const a2 = call(upsdk, 'scanQRCode')
    await vi.advanceTimersByTimeAsync(1)
    expect(await a2).toEqual({ ok: true, value: { value: 'A' } })

    handle.script('pay', [{ fail: { msg: '用户取消' }, delayMs: 1000 }, { answer: undefined }])
    const p1 = call(upsdk, 'pay', { tn: '1' })
    let settled = false
    void p1.then(() => (settled = true))
    await vi.advanceTimersByTimeAsync(999)
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await p1).toEqual({ ok: false, value: { msg: '用户取消' } })
    const p2 = call(upsdk, 'pay', { tn: '2' })
    await vi.advanceTimersByTimeAsync(1)
    expect(await p2).toEqual({ ok: true, value: undefined })

    handle.script('navi', { never: true })
    let naviSettled = false
    void call(upsdk, 'navi', { sLat: '1', sLon: '1', sName: 'a', dLat: '2', dLon: '2', dName: 'b' }).then(() => (naviSettled = true))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(naviSettled).toBe(false)

    handle.script('getLocationCity', (params) => ({ answer: `echo:${String(params.x)}` }))
    const c = call(upsdk, 'getLocationCity', { x: 7 })
    await vi.advanceTimersByTimeAsync(1)
    expect(await c).toEqual({ ok: true, value: 'echo:7' })
    expect(handle.calls.filter((x) => x.method === 'pay').map((x) => x.outcome)).toEqual(['fail', 'success'])
    handle.reset()
    expect(handle.calls).toHaveLength(0)
  })

  it('lets simulators define methods, and scripts win over them', async () => {
    const { upsdk, host, handle } = makeStub()
    host.define('getHCEState', (_p, reply) => reply.success({ code: '1001', msg: '当前设备不支持NFC' }))
    await configured(upsdk)
    expect(await call(upsdk, 'getHCEState')).toEqual({ ok: true, value: { code: '1001', msg: '当前设备不支持NFC' } })
    handle.script('getHCEState', { answer: { code: '0000', msg: 'ok' } })
    expect(await call(upsdk, 'getHCEState')).toEqual({ ok: true, value: { code: '0000', msg: 'ok' } })
    host.define('startHCE', () => {
      throw new Error('boom')
    })
    expect(await call(upsdk, 'startHCE', { aidList: 'A000000010' })).toEqual({ ok: false, value: { code: '04', msg: '其他错误：boom' } })
  })

  it('delivers DOM events to listener callbacks, one handler each, until cancelled', async () => {
    const { upsdk, handle } = makeStub()
    await configured(upsdk)
    const first = vi.fn()
    const second = vi.fn()
    await call(upsdk, 'registerBLEConnectionStateChange', { callback: first })
    await call(upsdk, 'registerBLEConnectionStateChange', { callback: second })
    handle.emit('BLEConnectionStateChange', { deviceId: 'd1', connected: 'yes' })
    expect(first).not.toHaveBeenCalled()
    expect(second).toHaveBeenCalledWith({ deviceId: 'd1', connected: 'yes' })
    await call(upsdk, 'cancelBLEConnectionStateChange')
    handle.emit('BLEConnectionStateChange', { deviceId: 'd1', connected: 'no' })
    expect(second).toHaveBeenCalledTimes(1)

    const tap = vi.fn()
    await call(upsdk, 'setNavigationBarRightButton', { title: '分享', handler: tap })
    handle.tapRightButton()
    handle.tapRightButton()
    expect(tap).toHaveBeenCalledTimes(2)
  })

  it('monitorScreenShot: success runs on each screenShotAction, not on registration', async () => {
    const { upsdk, handle } = makeStub()
    await configured(upsdk)
    const shot = vi.fn()
    ;(upsdk.monitorScreenShot as (p: unknown) => void)({ success: shot })
    await new Promise((r) => setTimeout(r, 5))
    expect(shot).not.toHaveBeenCalled()
    handle.screenshot()
    expect(shot).toHaveBeenCalledTimes(1)
  })

  it('keeps device state: recordings, brightness, chunked reads', async () => {
    const { upsdk, handle } = makeStub()
    await configured(upsdk)
    expect((await call(upsdk, 'readAudioRecordingData', { bufferSize: '1024', fromOffset: '0' })).ok).toBe(false)
    await call(upsdk, 'startAudioRecording', { maxTime: '10' })
    await call(upsdk, 'stopAudioRecording')
    const chunk = await call(upsdk, 'readAudioRecordingData', { bufferSize: '1024', fromOffset: '0' })
    expect(chunk).toMatchObject({ ok: true, value: { isFinished: '0' } })
    expect(await call(upsdk, 'readAudioRecordingData', { bufferSize: String(600 * 1024), fromOffset: '0' })).toEqual({
      ok: false,
      value: { code: '00', msg: '参数错误' },
    })
    await call(upsdk, 'setScreenBrightness', { brightness: '0.24' })
    expect(handle.device.brightness).toBe(0.2)
    expect(await call(upsdk, 'getScreenBrightness')).toEqual({ ok: true, value: { brightness: '0.2' } })
  })
})
