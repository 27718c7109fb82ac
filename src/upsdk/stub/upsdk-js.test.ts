import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ALL_PLUGIN_NAMES, PLUGIN_NAMES } from '../plugin-names'
import type { UpsdkGlobal } from '../types'
import { createUpsdkStub, type UpsdkStubOptions } from '.'

/** Each test pins one fact of ../shared/UPSDK.md on the stub (JS layer over the simulated native side). */

const BASE =
  'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36'
const IN_APP_UA = `${BASE} (com.unionpay.chsp) (cordova 4.5.4) (updebug 0) (version 929)`
const PAGE = 'https://h5.example.com/pay?x=1'
const GOOD = { appId: 'app', timestamp: '1700000000', nonceStr: 'n', signature: 'good' }

function fakeSandbox() {
  const bodies: Record<string, unknown>[] = []
  const spy = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Record<string, unknown>
    bodies.push(body)
    const ok = body.signature === 'good'
    return Response.json(
      ok ? { ok: true } : { ok: false, errcode: body.signature === 'old' ? 'a20' : 'c01', errmsg: '验签失败' },
    )
  })
  return { fetch: spy as unknown as typeof fetch, bodies, spy }
}

let url = PAGE
function makeStub(extra: UpsdkStubOptions = {}) {
  const sandbox = fakeSandbox()
  const stub = createUpsdkStub({ userAgent: IN_APP_UA, getUrl: () => url, fetch: sandbox.fetch, ...extra })
  return { ...stub, sandbox }
}
type Outcome = { ok: boolean; value: unknown }
function call(upsdk: UpsdkGlobal, method: string, params: Record<string, unknown> = {}) {
  return new Promise<Outcome>((resolve) => {
    ;(upsdk[method] as (p: unknown) => void)({
      ...params,
      success: (v: unknown) => resolve({ ok: true, value: v }),
      fail: (e: unknown) => resolve({ ok: false, value: e }),
    })
  })
}
/** Calls a plugin and records what answered by the time `settle` resolves (nothing, for never-answering calls). */
async function callNoWait(upsdk: UpsdkGlobal, method: string, params: unknown = {}) {
  const seen: Outcome[] = []
  const p = typeof params === 'object' && params !== null ? params : {}
  ;(upsdk[method] as (p: unknown) => void)(
    typeof params === 'object'
      ? {
          ...p,
          success: (v: unknown) => seen.push({ ok: true, value: v }),
          fail: (e: unknown) => seen.push({ ok: false, value: e }),
        }
      : params,
  )
  await new Promise((r) => setTimeout(r, 30))
  return seen
}
/** Config and wait for the native answer, with one permanent listener pair registered first. */
function listen(upsdk: UpsdkGlobal) {
  const events: string[] = []
  upsdk.ready(() => events.push('ready'))
  upsdk.error((e) => events.push(`error:${JSON.stringify(e)}`))
  return events
}
const until = (fn: () => boolean) => vi.waitFor(() => expect(fn()).toBe(true))

beforeEach(() => {
  url = PAGE
})
afterEach(() => vi.useRealTimers())

describe('names', () => {
  it('defines config/ready/error and every plugin of 6.1 plus readVideoRecordingData, and none of the heading typos', () => {
    const { upsdk } = makeStub()
    expect(PLUGIN_NAMES).toHaveLength(53)
    for (const name of ALL_PLUGIN_NAMES) expect(typeof upsdk[name], name).toBe('function')
    expect(upsdk.writeBLECharcateristicValue).toBeUndefined()
    expect(upsdk.stoptHCE).toBeUndefined()
  })
})

describe('start-up and user agent', () => {
  it('inside the app without (updebug N) upsdk has no config', () => {
    const { upsdk } = makeStub({ userAgent: `${BASE} (com.unionpay.chsp) (cordova 4.5.4)` })
    expect(upsdk.config).toBeUndefined()
  })

  it('inside the app without a bridge token upsdk has no config', () => {
    const { upsdk } = makeStub({ userAgent: `${BASE} (com.unionpay.chsp) (updebug 0)` })
    expect(upsdk.config).toBeUndefined()
  })

  it('the in-app test is a lower-cased substring test', () => {
    const { upsdk } = makeStub({ userAgent: `${BASE} COM.UNIONPAY.MOBILEPAY (cordova 4.5.4) (updebug 0)` })
    expect(typeof upsdk.config).toBe('function')
  })

  it('before deviceready plugin calls are silent no-ops and reach nothing', async () => {
    const { upsdk, handle } = makeStub({ bridgeDelayMs: Infinity })
    expect(await callNoWait(upsdk, 'getLocationCity')).toEqual([])
    expect(handle.calls).toEqual([])
  })

  it('a config before deviceready is kept (last one wins) and replayed', async () => {
    const { upsdk, handle, sandbox } = makeStub({ bridgeDelayMs: Infinity })
    const events = listen(upsdk)
    upsdk.config({ ...GOOD, signature: 'first' })
    upsdk.config(GOOD)
    await new Promise((r) => setTimeout(r, 20))
    expect(handle.calls).toEqual([])
    handle.fireDeviceReady()
    await until(() => events.length === 1)
    expect(events).toEqual(['ready'])
    expect(sandbox.bodies.map((b) => b.signature)).toEqual(['good'])
  })

  it('outside the app (newest builds) config succeeds at once, runs the ready queue, and plugins never answer', async () => {
    const { upsdk, handle } = makeStub({ userAgent: BASE })
    const events = listen(upsdk)
    upsdk.config(GOOD)
    expect(events).toEqual(['ready'])
    expect(await callNoWait(upsdk, 'scanQRCode')).toEqual([])
    expect(handle.calls).toEqual([])
  })

  it('outside the app (older builds) c101 goes to an error callback registered before config', () => {
    const { upsdk } = makeStub({ userAgent: BASE, outsideApp: 'legacy' })
    const events = listen(upsdk)
    upsdk.config(GOOD)
    expect(events).toEqual(['error:{"errcode":"c101","errmsg":"请在云闪付中打开（页面不是由云闪付加载的）"}'])
  })
})

describe('config, ready and error', () => {
  it('the JS makes no network call: config goes to UPWebSdk.config, whose native side verifies for the page URL without #', async () => {
    url = `${PAGE}#/deep`
    const { upsdk, handle, sandbox } = makeStub({ sandboxBase: '/sb' })
    const events = listen(upsdk)
    upsdk.config({ ...GOOD, debug: false })
    expect(handle.calls[0]).toMatchObject({
      method: 'config',
      service: 'UPWebSdk',
      action: 'config',
      params: { ...GOOD, debug: false },
    })
    await until(() => events.length === 1)
    expect(sandbox.spy.mock.calls[0]?.[0]).toBe('/sb/unionpay/__upsdk/verify-config')
    expect(sandbox.bodies[0]).toEqual({ ...GOOD, url: PAGE })
    expect(handle.configuredUrl).toBe(PAGE)
  })

  it('debug:true is not forwarded to native', () => {
    const { upsdk, handle } = makeStub()
    upsdk.config({ ...GOOD, debug: true })
    expect(handle.calls[0]?.params).toEqual(GOOD)
  })

  it('a missing field fails in JS as {msg}, only to an error callback registered before, and is not stored', () => {
    const { upsdk, handle } = makeStub()
    const early = vi.fn()
    upsdk.error(early)
    upsdk.config({ ...GOOD, signature: '' })
    expect(early).toHaveBeenCalledWith({ msg: expect.stringContaining('signature') })
    const late = vi.fn()
    upsdk.error(late)
    expect(late).not.toHaveBeenCalled()
    expect(handle.calls).toEqual([])
  })

  it('a url that is not the page address fails in JS; a non-object argument does nothing', () => {
    const { upsdk, handle } = makeStub()
    const events = listen(upsdk)
    upsdk.config({ ...GOOD, url: 'https://h5.example.com/other' })
    ;(upsdk.config as (p: unknown) => void)('nonsense')
    expect(events).toEqual([expect.stringContaining('url')])
    expect(handle.calls).toEqual([])
  })

  it('ready(cb) runs synchronously once any config succeeded, even while a newer config waits for its answer', async () => {
    const { upsdk, handle } = makeStub()
    const events = listen(upsdk)
    upsdk.config(GOOD)
    await until(() => events.length === 1)
    handle.script('config', { never: true })
    upsdk.config(GOOD)
    const stale = vi.fn()
    upsdk.ready(stale)
    expect(stale).toHaveBeenCalledTimes(1)
    expect(handle.configState).toBe('pending')
  })

  it('the ready queue is never cleared: every later success runs every queued callback again', async () => {
    const { upsdk } = makeStub()
    const a = vi.fn()
    upsdk.ready(a)
    upsdk.config(GOOD)
    await until(() => a.mock.calls.length === 1)
    upsdk.config(GOOD)
    await until(() => a.mock.calls.length === 2)
    // a callback registered after success ran at once and was not queued
    const b = vi.fn()
    upsdk.ready(b)
    upsdk.config(GOOD)
    await until(() => a.mock.calls.length === 3)
    expect(b).toHaveBeenCalledTimes(1)
  })

  it('error(cb) has one slot; after a failed config it runs synchronously and is not stored', async () => {
    const { upsdk } = makeStub()
    const first = vi.fn()
    const second = vi.fn()
    upsdk.error(first)
    upsdk.error(second)
    upsdk.config({ ...GOOD, signature: 'old' })
    await until(() => second.mock.calls.length === 1)
    expect(first).not.toHaveBeenCalled()
    expect(second).toHaveBeenCalledWith({ errcode: 'a20', errmsg: '验签失败' })
    const replay = vi.fn()
    upsdk.error(replay)
    expect(replay).toHaveBeenCalledTimes(1)
    upsdk.config({ ...GOOD, signature: 'bad' })
    await new Promise((r) => setTimeout(r, 30))
    // not stored: the next failure goes to `second`, still in the slot
    expect(replay).toHaveBeenCalledTimes(1)
    expect(second).toHaveBeenCalledTimes(2)
  })

  it('a plugin call before a successful config, or after a failed one, fails at once with c05', async () => {
    const { upsdk, handle } = makeStub()
    const fail = vi.fn()
    ;(upsdk.scanQRCode as (p: unknown) => void)({ fail })
    expect(fail).toHaveBeenCalledWith({ errcode: 'c05', errmsg: 'config执行成功以后才能调用插件方法' })
    const events = listen(upsdk)
    upsdk.config(GOOD)
    await until(() => events.length === 1)
    upsdk.config({ ...GOOD, signature: 'bad' })
    await until(() => events.length === 2)
    expect(await call(upsdk, 'scanQRCode')).toEqual({
      ok: false,
      value: { errcode: 'c05', errmsg: 'config执行成功以后才能调用插件方法' },
    })
    expect(handle.calls.filter((c) => c.method === 'scanQRCode')).toEqual([])
  })

  it('the app refuses plugin calls (c05) while its config for a new address is in flight', async () => {
    const { upsdk, handle } = makeStub()
    const events = listen(upsdk)
    upsdk.config(GOOD)
    await until(() => events.length === 1)
    url = 'https://h5.example.com/next'
    handle.script('config', { delayMs: 200 })
    upsdk.config(GOOD)
    // the stale flag lets the call through the JS layer; the app answers c05
    expect(await call(upsdk, 'getLocationCity')).toMatchObject({ ok: false, value: { errcode: 'c05' } })
    expect(handle.calls.map((c) => c.method)).toEqual(['config', 'config', 'getLocationCity'])
  })

  it('c02 for a plugin missing from the answer jsApiList', async () => {
    const { upsdk, handle } = makeStub()
    handle.grant(['scanQRCode'])
    const events = listen(upsdk)
    upsdk.config(GOOD)
    await until(() => events.length === 1)
    expect(await call(upsdk, 'getLocationCity')).toMatchObject({ ok: false, value: { errcode: 'c02' } })
    expect((await call(upsdk, 'scanQRCode')).ok).toBe(true)
  })
})

describe('answers', () => {
  async function ready(extra: UpsdkStubOptions = {}) {
    const stub = makeStub(extra)
    const events = listen(stub.upsdk)
    stub.upsdk.config(GOOD)
    await until(() => events.length === 1)
    return stub
  }

  it('c03 for an action unknown to the native side', async () => {
    const { cordova } = await ready()
    const fail = vi.fn()
    cordova.exec(() => undefined, fail, 'UPWebUI', 'noSuchAction', [{}])
    await until(() => fail.mock.calls.length === 1)
    expect(fail.mock.calls[0]?.[0]).toMatchObject({ errcode: 'c03' })
  })

  it('a string failure becomes {msg}; native {code, msg} passes through unchanged', async () => {
    const { upsdk, handle } = await ready()
    handle.script('scanQRCode', { fail: '用户取消' })
    expect(await call(upsdk, 'scanQRCode')).toEqual({ ok: false, value: { msg: '用户取消' } })
    handle.script('scanQRCode', { fail: { code: '03', msg: '权限失败' } })
    expect(await call(upsdk, 'scanQRCode')).toEqual({ ok: false, value: { code: '03', msg: '权限失败' } })
  })

  it('pay: only tn is checked in JS; merchantId dropped, mode 00 (02 under updebug 2); failures become {msg}', async () => {
    const { upsdk, handle } = await ready()
    expect(await call(upsdk, 'pay', {})).toEqual({ ok: false, value: { msg: 'pay调用方法缺少参数tn' } })
    handle.script('pay', { fail: { desc: '余额不足', code: '9' } })
    expect(await call(upsdk, 'pay', { tn: 'T123456789', merchantId: 'm' })).toEqual({
      ok: false,
      value: { msg: '余额不足' },
    })
    expect(handle.calls.at(-1)).toMatchObject({
      service: 'UPWebPay',
      action: 'pay',
      params: { tn: 'T123456789', mode: '00' },
    })
    expect(handle.calls.at(-1)?.params).not.toHaveProperty('merchantId')
    handle.script('pay', { fail: {} })
    expect(await call(upsdk, 'pay', { tn: 'T123456789' })).toEqual({ ok: false, value: { msg: '支付插件调用失败' } })
    const debug2 = await ready({ userAgent: `${BASE} (com.unionpay.chsp) (cordova 4.5.4) (updebug 2)` })
    debug2.handle.script('pay', { answer: undefined })
    await call(debug2.upsdk, 'pay', { tn: 'T123456789' })
    expect(debug2.handle.calls.at(-1)?.params.mode).toBe('02')
  })

  it('no other plugin has JS parameter checks: they reach the app as given', async () => {
    const { upsdk, handle } = await ready()
    const out = await call(upsdk, 'connectBLEDevice', {})
    expect(out.ok).toBe(false)
    expect(handle.calls.at(-1)).toMatchObject({ method: 'connectBLEDevice', service: 'UPWPluginBluetooth', params: {} })
  })

  it('reshapes scanQRCode {value}, chooseImage and getLocationCity; getLocationGps stays raw', async () => {
    const { upsdk, handle } = await ready()
    handle.script('scanQRCode', { answer: { value: 'hi' } })
    expect(await call(upsdk, 'scanQRCode')).toEqual({ ok: true, value: 'hi' })
    handle.script('chooseImage', { answer: { base64: 'AAA', type: 'png', extra: 1 } })
    expect(await call(upsdk, 'chooseImage')).toEqual({ ok: true, value: { base64: 'AAA', type: 'png' } })
    expect(handle.calls.at(-1)?.params).toEqual({ maxWidth: 500, maxHeight: 1000, sourceType: '3' })
    expect(await call(upsdk, 'getLocationCity')).toEqual({ ok: true, value: '310100' })
    expect(handle.calls.at(-1)).toMatchObject({
      service: 'UPWalletPlugin',
      action: 'fetchNativeData',
      params: { type: '0' },
    })
    handle.script('getLocationGps', { answer: '{"latitude":"1"}' })
    expect(await call(upsdk, 'getLocationGps')).toEqual({ ok: true, value: '{"latitude":"1"}' })
    expect(handle.calls.at(-1)?.params).toEqual({ type: '1' })
  })

  it('addBankCard gets scene 10007 when absent', async () => {
    const { upsdk, handle } = await ready()
    await call(upsdk, 'addBankCard')
    expect(handle.calls.at(-1)).toMatchObject({ service: 'UPWebBankCard', params: { scene: '10007' } })
  })

  it('setNavigationBarTitle and showFlashInfo never answer; title travels as [title], an empty toast is skipped', async () => {
    const { upsdk, handle } = await ready()
    expect(await callNoWait(upsdk, 'setNavigationBarTitle', { title: '标题' })).toEqual([])
    expect(handle.calls.at(-1)).toMatchObject({ service: 'UPWebBars', params: { title: '标题' } })
    expect(document.title).toBe('标题')
    expect(await callNoWait(upsdk, 'showFlashInfo', { msg: '你好' })).toEqual([])
    expect(document.querySelector('[data-upsdk-stub="toast"]')?.textContent).toBe('你好')
    const count = handle.calls.length
    expect(await callNoWait(upsdk, 'showFlashInfo', { msg: '' })).toEqual([])
    expect(handle.calls).toHaveLength(count)
  })
})

describe('listener plugins and events', () => {
  it('attach the page callback itself on document, replace the previous one, and cancel does not detach', async () => {
    const stub = makeStub()
    const events = listen(stub.upsdk)
    stub.upsdk.config(GOOD)
    await until(() => events.length === 1)
    const first = vi.fn()
    const second = vi.fn()
    await call(stub.upsdk, 'registerBLEConnectionStateChange', { callback: first })
    await call(stub.upsdk, 'registerBLEConnectionStateChange', { callback: second })
    stub.handle.emit('BLEConnectionStateChange', { deviceId: 'D1', connected: 'yes' })
    expect(first).not.toHaveBeenCalled()
    expect(second).toHaveBeenCalledTimes(1)
    await call(stub.upsdk, 'cancelBLEConnectionStateChange')
    stub.handle.emit('BLEConnectionStateChange', { deviceId: 'D1', connected: 'no' })
    expect(second).toHaveBeenCalledTimes(2)
    expect(stub.handle.listeners).toMatchObject({ BLEConnectionStateChange: true })
    document.removeEventListener('BLEConnectionStateChange', second)
  })

  it('events come the cordova way: a plain Event with the data as own properties, no detail', async () => {
    const stub = makeStub()
    const seen: Event[] = []
    const l = (e: Event) => seen.push(e)
    document.addEventListener('BLECharacteristicValueChange', l)
    stub.handle.emit('BLECharacteristicValueChange', { deviceId: 'D1', value: '0A' })
    document.removeEventListener('BLECharacteristicValueChange', l)
    expect(seen[0]).not.toBeInstanceOf(CustomEvent)
    expect(seen[0]).toMatchObject({ type: 'BLECharacteristicValueChange', deviceId: 'D1', value: '0A' })
    expect((seen[0] as Event & { detail?: unknown }).detail).toBeUndefined()
  })

  it('monitorScreenShot attaches its success as the screenShotAction listener; the right button its handler', async () => {
    const stub = makeStub()
    const events = listen(stub.upsdk)
    stub.upsdk.config(GOOD)
    await until(() => events.length === 1)
    const shot = vi.fn()
    const tap = vi.fn()
    ;(stub.upsdk.monitorScreenShot as (p: unknown) => void)({ success: shot })
    ;(stub.upsdk.setNavigationBarRightButton as (p: unknown) => void)({ title: '分享', handler: tap })
    await new Promise((r) => setTimeout(r, 20))
    expect(shot).not.toHaveBeenCalled()
    stub.handle.screenshot()
    stub.handle.tapRightButton()
    expect(shot).toHaveBeenCalledTimes(1)
    expect(tap).toHaveBeenCalledTimes(1)
    document.removeEventListener('screenShotAction', shot)
    document.removeEventListener('rightbtnclick', tap)
  })
})

describe('小程序 web-view entry points', () => {
  it('pluginReady(cb) runs once the bridge is ready; appletAuth answers {code} without config', async () => {
    const { upsdk, handle } = makeStub({ bridgeDelayMs: Infinity })
    const cb = vi.fn()
    ;(upsdk.pluginReady as (cb: () => void) => void)(cb)
    expect(cb).not.toHaveBeenCalled()
    handle.fireDeviceReady()
    expect(cb).toHaveBeenCalledTimes(1)
    const out = await call(upsdk, 'appletAuth')
    expect(out).toMatchObject({ ok: true, value: { code: expect.any(String) } })
    expect(handle.calls.at(-1)).toMatchObject({ service: 'UPWebSdk', action: 'appletAuth' })
  })
})
