import { ALL_PLUGIN_NAMES, LISTENER_EVENTS, type PluginName } from '../plugin-names'
import type { UpsdkGlobal } from '../types'
import { bridgeTarget, SDK_SERVICE } from './services'
import type { CordovaLike } from './native/cordova'

/**
 * The stub's JS layer: what upsdk.js itself does in the page, as UPSDK.md states it, over any
 * cordova-like bridge. Everything the app decides (signature, c05 for another address, answers)
 * is the native side's job (`./native`).
 */
export interface UpsdkJsOptions {
  userAgent: string
  document: Document
  /** The page address; `config`'s optional `url` must equal it without `#…`. */
  getUrl: () => string
  /** The bridge (window.cordova once cordova.js has loaded). */
  cordova: () => CordovaLike | undefined
  /**
   * Outside 云闪付: 'newest' (config "succeeds", the ready queue runs, plugin calls never answer)
   * or 'legacy' (older builds: `c101` to an error callback registered before config). @default 'newest'
   */
  outsideApp?: 'newest' | 'legacy'
}

/** What the JS layer shows to the scripting handle. */
export interface UpsdkJsState {
  /** `deviceready` has fired. */
  readonly bridgeReady: boolean
  /** A config succeeded natively and no failure came after it (the flag `ready()` reads). */
  readonly configured: boolean
  /** DOM events whose listener the JS layer attached on `document` (cancel does not detach). */
  readonly listeners: Record<string, boolean>
}

type Callback = (answer?: unknown) => void
type Params = Record<string, unknown>

const C05 = { errcode: 'c05', errmsg: 'config执行成功以后才能调用插件方法' }
const LISTENERS = LISTENER_EVENTS as Record<string, { event: string; callback: string } | undefined>

function withoutFunctions(params: Params): Params {
  const out: Params = {}
  for (const [k, v] of Object.entries(params)) if (typeof v !== 'function') out[k] = v
  return out
}

/** A string failure becomes `{msg}`; objects (`{code, msg}`, `{errcode, errmsg}`) pass through. */
function wrapFailure(err: unknown): unknown {
  return typeof err === 'string' ? { msg: err } : err
}

/** Success answers the real script reshapes; everything else passes through raw. */
const SUCCESS_SHAPES: Partial<Record<PluginName, (answer: unknown) => unknown>> = {
  scanQRCode: (a) => (a && typeof a === 'object' && 'value' in a ? (a as { value: unknown }).value : a),
  chooseImage: (a) => {
    const o = (a ?? {}) as Params
    return { base64: o.base64, type: o.type }
  },
  getLocationCity: (a) => (a && typeof a === 'object' ? (a as Params).cityCd : a),
}

export function createUpsdkJs(options: UpsdkJsOptions): { upsdk: UpsdkGlobal; state: UpsdkJsState } {
  const doc = options.document
  const ua = options.userAgent.toLowerCase()
  // the real script's own in-app test (a lower-cased substring), looser than the kit's isCloudpayUserAgent
  const inApp = ua.includes('com.unionpay.chsp') || ua.includes('com.unionpay.mobilepay')
  const updebug = /\(updebug\s(\d+)\)/.exec(ua)?.[1]
  const hasCordova = /\(cordova\s[\d.]+\)/.test(ua)
  const attached = new Map<string, EventListener>()
  let bridgeReady = false
  let configured = false
  let lastFailed = false
  let lastError: unknown
  let jsApiList: readonly string[] | undefined
  const readyQueue: Array<() => void> = []
  let errorSlot: ((err: unknown) => void) | undefined
  let keptConfig: Params | undefined

  const state: UpsdkJsState = {
    get bridgeReady() {
      return bridgeReady
    },
    get configured() {
      return configured
    },
    get listeners() {
      return Object.fromEntries([...attached.keys()].map((k) => [k, true]))
    },
  }

  // Inside the app without (updebug N), or without a bridge this stub simulates: no config at all.
  // (The securitywebcache bridge is not simulated: the stub treats it like a missing bridge.)
  if (inApp && (updebug === undefined || !hasCordova)) return { upsdk: {} as UpsdkGlobal, state }

  function ready(cb: () => void) {
    if (typeof cb !== 'function') return
    if (configured) cb()
    else readyQueue.push(cb)
  }

  function error(cb: (err: unknown) => void) {
    if (typeof cb !== 'function') return
    if (lastFailed) cb(lastError)
    else errorSlot = cb
  }

  function configOutsideApp() {
    if (options.outsideApp === 'legacy')
      return void errorSlot?.({ errcode: 'c101', errmsg: '请在云闪付中打开（页面不是由云闪付加载的）' })
    configured = true
    for (const cb of [...readyQueue]) cb()
  }

  function runConfig(params: Params) {
    const missing = ['appId', 'nonceStr', 'timestamp', 'signature'].find((k) => !params[k])
    if (missing) return void errorSlot?.({ msg: `config调用方法缺少参数${missing}` })
    if (params.url !== undefined && params.url !== (options.getUrl().split('#')[0] ?? '')) {
      return void errorSlot?.({ msg: 'config参数url与当前页面地址不一致' })
    }
    const sent = withoutFunctions(params)
    // debug:true makes the script load its own console; only debug:false reaches the app
    if (sent.debug === true) delete sent.debug
    options.cordova()?.exec(
      (answer) => {
        configured = true
        lastFailed = false
        const list = answer && typeof answer === 'object' ? (answer as Params).jsApiList : undefined
        jsApiList = Array.isArray(list) ? list.map(String) : undefined
        // the queue is never cleared: every success runs every callback ever queued
        for (const cb of [...readyQueue]) cb()
      },
      (err) => {
        configured = false
        lastFailed = true
        lastError = wrapFailure(err)
        errorSlot?.(lastError)
      },
      SDK_SERVICE,
      'config',
      [sent],
    )
  }

  function config(params: unknown) {
    if (typeof params !== 'object' || params === null) return // the real script only shows a debug alert
    if (!inApp) return configOutsideApp()
    if (!bridgeReady) {
      keptConfig = params as Params // last one wins, replayed at deviceready
      return
    }
    runConfig(params as Params)
  }

  function attach(eventName: string, listener: unknown) {
    const previous = attached.get(eventName)
    if (previous) doc.removeEventListener(eventName, previous)
    attached.delete(eventName)
    if (typeof listener !== 'function') return
    attached.set(eventName, listener as EventListener)
    doc.addEventListener(eventName, listener as EventListener)
  }

  /** One plugin method: the JS checks, listener attachment, and the bridge call. */
  function plugin(name: PluginName) {
    const target = bridgeTarget(name)
    return (input: unknown) => {
      if (!inApp) {
        if (options.outsideApp === 'legacy')
          ((input as Params | undefined)?.fail as Callback | undefined)?.({
            errcode: 'c101',
            errmsg: '请在云闪付中打开（页面不是由云闪付加载的）',
          })
        return // the newest builds never answer outside the app
      }
      if (!bridgeReady) return // before deviceready plugin methods are silent no-ops
      const p = (typeof input === 'object' && input !== null ? input : {}) as Params
      const success = typeof p.success === 'function' ? (p.success as Callback) : undefined
      const fail = typeof p.fail === 'function' ? (p.fail as Callback) : undefined
      const silent = name === 'setNavigationBarTitle' || name === 'showFlashInfo'
      if (!configured) return silent ? undefined : void fail?.(C05)
      if (jsApiList && !jsApiList.includes(name)) {
        return silent ? undefined : void fail?.({ errcode: 'c02', errmsg: `${name}插件未授权，请联系云闪付开通` })
      }
      let args: unknown[]
      let onSuccess: Callback = (a) => success?.(SUCCESS_SHAPES[name] ? SUCCESS_SHAPES[name](a) : a)
      let onFail: Callback = (e) => fail?.(wrapFailure(e))
      if (name === 'setNavigationBarTitle') {
        args = [typeof p.title === 'string' ? p.title : '']
        onSuccess = onFail = () => undefined
      } else if (name === 'showFlashInfo') {
        if (!p.msg) return
        args = [p.msg]
        onSuccess = onFail = () => undefined
      } else {
        const sent = { ...withoutFunctions(p), ...target.extra }
        if (name === 'pay') {
          if (!p.tn) return void fail?.({ msg: 'pay调用方法缺少参数tn' })
          delete sent.merchantId
          sent.mode = updebug === '2' ? '02' : '00'
          onFail = (e) => {
            const o = (e && typeof e === 'object' ? e : {}) as Params
            const text = [o.desc, o.msg, o.errmsg, typeof e === 'string' ? e : undefined].find(
              (v) => typeof v === 'string' && v,
            )
            fail?.({ msg: text ?? '支付插件调用失败' })
          }
        }
        if (name === 'addBankCard' && sent.scene === undefined) sent.scene = '10007'
        if (name === 'chooseImage')
          Object.assign(sent, {
            maxWidth: sent.maxWidth ?? 500,
            maxHeight: sent.maxHeight ?? 1000,
            sourceType: sent.sourceType ?? '3',
          })
        const listener = LISTENERS[name]
        if (listener) {
          attach(listener.event, p[listener.callback])
          // monitorScreenShot's success is the screenshot listener, not an answer
          if (listener.callback === 'success') onSuccess = () => undefined
        }
        args = [sent]
      }
      try {
        options.cordova()?.exec(onSuccess, onFail, target.service, target.action, args)
      } catch (err) {
        fail?.({ errcode: 'c04', errmsg: `调用插件失败：${err instanceof Error ? err.message : String(err)}` })
      }
    }
  }

  const upsdk: UpsdkGlobal = { config: config as UpsdkGlobal['config'], ready, error }
  for (const name of ALL_PLUGIN_NAMES) upsdk[name] = plugin(name)

  // Used by pages inside 云闪付小程序 web-views (public pages: pluginReady(cb), then appletAuth({success(data){data.code}})).
  const pluginReadyQueue: Array<() => void> = []
  upsdk.pluginReady = (cb: unknown) => {
    if (typeof cb !== 'function') return
    if (bridgeReady) (cb as () => void)()
    else pluginReadyQueue.push(cb as () => void)
  }
  upsdk.appletAuth = (input: unknown) => {
    if (!inApp || !bridgeReady) return
    const p = (typeof input === 'object' && input !== null ? input : {}) as Params
    options.cordova()?.exec(
      (a) => (p.success as Callback | undefined)?.(a),
      (e) => (p.fail as Callback | undefined)?.(wrapFailure(e)),
      SDK_SERVICE,
      'appletAuth',
      [withoutFunctions(p)],
    )
  }

  if (inApp) {
    doc.addEventListener(
      'deviceready',
      () => {
        bridgeReady = true
        const kept = keptConfig
        keptConfig = undefined
        if (kept) runConfig(kept)
        for (const cb of pluginReadyQueue.splice(0)) cb()
      },
      { once: true },
    )
  }
  return { upsdk, state }
}
