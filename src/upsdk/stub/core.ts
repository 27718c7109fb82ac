import { detectEnvironment } from '../env'
import { ALL_PLUGIN_NAMES, LISTENER_EVENTS, type PluginName } from '../plugin-names'
import type { UpsdkConfigOptions, UpsdkGlobal } from '../types'
import { DEFAULT_HANDLERS, newStubDevice, REQUIRED_PARAMS, showOverlay, type StubDevice } from './defaults'
import type { StubCall, StubHost, StubMethodHandler, StubReply } from './host'

/** Plugins whose `success` callback fires once per event rather than once per call. */
const STREAMING_METHODS: ReadonlySet<string> = new Set(['onHCEMessage'])

/** One scripted native answer. With neither `answer` nor `fail`, the simulator/default answers (after `delayMs`). */
export type StubStep =
  | { answer?: unknown; delayMs?: number }
  | { fail: unknown; delayMs?: number }
  | { never: true }

export type StubScript = StubStep | ((params: Record<string, unknown>) => StubStep)

export interface UpsdkStubOptions {
  /** @default navigator.userAgent */
  userAgent?: string
  /** The page address the native side sees. @default () => location.href */
  getUrl?: () => string
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** Where the sandbox is mounted. @default '/sandbox' */
  sandboxBase?: string
  /**
   * Outside 云闪付: 'newest' (the current upsdk.js: config "succeeds", plugin calls never
   * answer) or 'legacy' (older scripts: `{errcode:'c101'}`). @default 'newest'
   */
  outsideApp?: 'newest' | 'legacy'
  /** Time until the native bridge is ready; a config made earlier is replayed then. @default 0 */
  bridgeDelayMs?: number
  /** Plugin calls from a page address other than the configured one fail with c05. @default true */
  strictUrl?: boolean
}

export type StubConfigState = 'none' | 'pending' | 'ready' | 'error'

/** The scripting handle tests reach as `window.__upsdkStub`. */
export interface UpsdkStubHandle {
  /** Every config and plugin call, in order (params without functions). */
  readonly calls: StubCall[]
  readonly configState: StubConfigState
  /** The page address (without `#…`) the last successful config was for. */
  readonly configuredUrl: string | undefined
  /**
   * Scripts the native answer of `method`. One step: used for every call until `unscript`/`reset`.
   * An array: one step per call, in order, then back to the simulator/default.
   */
  script(method: string, script: StubScript | StubScript[]): void
  unscript(method: string): void
  /** Raises `new CustomEvent(name, {detail})` on document, as the app does for listener plugins. */
  emit(eventName: string, detail?: unknown): void
  /** The user taps the navigation bar's right button (`rightbtnclick`). */
  tapRightButton(): void
  /** The user takes a screenshot (`screenShotAction`). */
  screenshot(): void
  /** Forgets scripts and the call log (not the config state). */
  reset(): void
  /** The simulated device (brightness, recordings, title, closed…). */
  readonly device: StubDevice
  /** Methods whose JS-layer listener is attached, by DOM event name. */
  readonly listeners: Record<string, boolean>
}

export interface UpsdkStub {
  upsdk: UpsdkGlobal
  handle: UpsdkStubHandle
  host: StubHost
}

type Callbacks = { success?: (a?: unknown) => void; fail?: (e: unknown) => void }

function withoutFunctions(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(params)) if (typeof v !== 'function') out[k] = v
  return out
}

/**
 * A faithful stand-in for upsdk.js plus the native side of 云闪付 (see DESIGN.md): UA check,
 * c05 before config, queued `ready`, a single `error` slot, the URL check, the signature
 * verified by the sandbox, scripted answers and delays, DOM events, and a call log.
 */
export function createUpsdkStub(options: UpsdkStubOptions = {}): UpsdkStub {
  const userAgent = options.userAgent ?? (typeof navigator === 'undefined' ? '' : navigator.userAgent)
  const env = detectEnvironment(userAgent)
  const getUrl = options.getUrl ?? (() => location.href)
  const pageUrl = () => getUrl().split('#')[0] ?? ''
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))
  const sandboxBase = options.sandboxBase ?? '/sandbox'
  const outsideApp = options.outsideApp ?? 'newest'
  const bridgeDelayMs = options.bridgeDelayMs ?? 0
  const strictUrl = options.strictUrl ?? true

  const calls: StubCall[] = []
  const scripts = new Map<string, StubScript | StubScript[]>()
  const handlers = new Map<string, StubMethodHandler>()
  const attached = new Map<string, EventListener>()
  const device = newStubDevice(env.os)

  let configState: StubConfigState = 'none'
  let configuredUrl: string | undefined
  let configSeq = 0
  let lastError: unknown
  let readyQueue: Array<() => void> = []
  let errorSlot: ((err: unknown) => void) | undefined
  let bridgeReady = bridgeDelayMs <= 0
  let replay: (() => void) | undefined
  if (!bridgeReady) {
    setTimeout(() => {
      bridgeReady = true
      replay?.()
      replay = undefined
    }, bridgeDelayMs)
  }

  const emit = (eventName: string, detail?: unknown) => {
    document.dispatchEvent(new CustomEvent(eventName, { detail }))
  }

  const succeedConfig = (seq: number, url: string) => {
    if (seq !== configSeq) return
    configState = 'ready'
    configuredUrl = url
    const queued = readyQueue
    readyQueue = []
    for (const cb of queued) cb()
  }
  const failConfig = (seq: number, err: { errcode: string; errmsg: string }) => {
    if (seq !== configSeq) return
    configState = 'error'
    lastError = err
    errorSlot?.(err)
  }

  const log = (method: string, params: Record<string, unknown>): StubCall => {
    const entry: StubCall = { method, params: withoutFunctions(params), at: Date.now(), outcome: 'pending' }
    calls.push(entry)
    return entry
  }

  async function verify(seq: number, opts: UpsdkConfigOptions, url: string, entry: StubCall) {
    let result: { ok?: unknown; errcode?: unknown; errmsg?: unknown }
    try {
      const res = await doFetch(`${sandboxBase}/unionpay/__upsdk/verify-config`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appId: opts.appId, timestamp: opts.timestamp, nonceStr: opts.nonceStr, signature: opts.signature, url }),
      })
      result = (await res.json()) as typeof result
    } catch (err) {
      result = { ok: false, errcode: 'c01', errmsg: `无法验证签名：${err instanceof Error ? err.message : String(err)}` }
    }
    if (result.ok === true) {
      entry.outcome = 'success'
      if (opts.debug === true) showOverlay('toast', 'upsdk.config 成功', 2000)
      succeedConfig(seq, url)
    } else {
      const err = { errcode: typeof result.errcode === 'string' ? result.errcode : 'c01', errmsg: typeof result.errmsg === 'string' ? result.errmsg : 'upsdk.config 验签失败' }
      entry.outcome = 'fail'
      entry.answer = err
      // With debug: true the app toasts what went wrong.
      if (opts.debug === true) showOverlay('toast', `${err.errcode}：${err.errmsg}`, 3000)
      failConfig(seq, err)
    }
  }

  function config(opts: UpsdkConfigOptions): void {
    const raw = (opts ?? {}) as unknown as Record<string, unknown>
    const entry = log('config', raw)
    const seq = ++configSeq
    configState = 'pending'
    configuredUrl = undefined
    if (!env.inApp) {
      if (outsideApp === 'newest') {
        entry.outcome = 'success'
        setTimeout(() => succeedConfig(seq, pageUrl()), 0)
      } else {
        const err = { errcode: 'c101', errmsg: '请在云闪付中打开（页面不是由云闪付加载的）' }
        entry.outcome = 'fail'
        entry.answer = err
        failConfig(seq, err)
      }
      return
    }
    const missing = ['appId', 'timestamp', 'nonceStr', 'signature'].filter((k) => typeof raw[k] !== 'string' || raw[k] === '')
    if (missing.length) {
      const err = { errcode: 'c00', errmsg: `参数错误：缺少 ${missing.join(', ')}` }
      entry.outcome = 'fail'
      entry.answer = err
      failConfig(seq, err)
      return
    }
    const url = pageUrl()
    if (raw.url !== undefined && raw.url !== url) {
      const err = { errcode: 'c01', errmsg: 'url 与当前页面地址不一致' }
      entry.outcome = 'fail'
      entry.answer = err
      failConfig(seq, err)
      return
    }
    const go = () => void verify(seq, opts, url, entry)
    if (bridgeReady) go()
    else replay = go
  }

  function nextStep(method: string, params: Record<string, unknown>): StubStep | undefined {
    const s = scripts.get(method)
    if (s === undefined) return undefined
    let step: StubScript | undefined
    if (Array.isArray(s)) {
      step = s.shift()
      if (s.length === 0) scripts.delete(method)
    } else step = s
    return typeof step === 'function' ? step(params) : step
  }

  function invoke(method: PluginName, input: unknown): void {
    const params = typeof input === 'object' && input !== null ? (input as Record<string, unknown> & Callbacks) : ({} as Callbacks)
    const entry = log(method, params as Record<string, unknown>)
    let answered = false
    const listener = (LISTENER_EVENTS as Record<string, { event: string; callback: string; cancel?: string } | undefined>)[method]
    const silentSuccess = listener?.callback === 'success'
    // onHCEMessage answers once per incoming APDU: its success callback is a stream.
    const streaming = STREAMING_METHODS.has(method)
    const reply: StubReply = {
      success(answer?: unknown) {
        if (answered) return
        if (!streaming) answered = true
        entry.outcome = 'success'
        entry.answer = answer
        if (!silentSuccess) params.success?.(answer)
      },
      fail(err: unknown) {
        if (answered) return
        answered = true
        entry.outcome = 'fail'
        entry.answer = err
        params.fail?.(err)
      },
    }
    if (!env.inApp) {
      if (outsideApp === 'legacy') reply.fail({ errcode: 'c101', errmsg: '请在云闪付中打开（页面不是由云闪付加载的）' })
      return
    }
    if (configState !== 'ready') {
      reply.fail({ errcode: 'c05', errmsg: '请先调用 upsdk.config，并在 upsdk.ready 之后调用插件' })
      return
    }
    if (strictUrl && configuredUrl !== pageUrl()) {
      reply.fail({ errcode: 'c05', errmsg: '页面地址已变化，请对当前地址重新 upsdk.config' })
      return
    }
    const given = params as Record<string, unknown>
    const missing = (REQUIRED_PARAMS[method] ?? []).filter((k) => given[k] === undefined || given[k] === null || given[k] === '')
    if (missing.length) {
      reply.fail({ errcode: 'c00', errmsg: `参数错误：缺少 ${missing.join(', ')}` })
      return
    }
    attachListener(method, params)
    const step = nextStep(method, params)
    const run = () => {
      if (step && 'never' in step) return
      if (step && 'fail' in step) return reply.fail(step.fail)
      if (step && 'answer' in step) return reply.success(step.answer)
      const handler = handlers.get(method)
      if (handler) {
        Promise.resolve()
          .then(() => handler(withoutFunctions(params), reply))
          .catch((err: unknown) => reply.fail({ code: '04', msg: `其他错误：${err instanceof Error ? err.message : String(err)}` }))
        return
      }
      const outcome = DEFAULT_HANDLERS[method](withoutFunctions(params), device)
      if ('silent' in outcome) return
      if ('fail' in outcome) reply.fail(outcome.fail)
      else reply.success(outcome.answer)
    }
    const delayMs = step && 'delayMs' in step ? (step.delayMs ?? 0) : 0
    // Native answers arrive asynchronously, as over the real bridge.
    setTimeout(run, Math.max(0, delayMs))
  }

  function attachListener(method: string, params: Record<string, unknown>) {
    for (const [register, spec] of Object.entries(LISTENER_EVENTS)) {
      if (spec.cancel === method) detach(spec.event)
      if (register !== method) continue
      const cb = params[spec.callback]
      detach(spec.event)
      if (typeof cb !== 'function') continue
      const l: EventListener = (e) => (cb as (d: unknown) => void)((e as CustomEvent).detail)
      attached.set(spec.event, l)
      document.addEventListener(spec.event, l)
    }
  }
  function detach(eventName: string) {
    const prev = attached.get(eventName)
    if (prev) document.removeEventListener(eventName, prev)
    attached.delete(eventName)
  }

  const upsdk: UpsdkGlobal = {
    config,
    ready(cb: () => void) {
      if (typeof cb !== 'function') return
      if (configState === 'ready') cb()
      else readyQueue.push(cb)
    },
    error(cb: (err: unknown) => void) {
      if (typeof cb !== 'function') return
      errorSlot = cb
      if (configState === 'error') cb(lastError)
    },
  }
  for (const name of ALL_PLUGIN_NAMES) upsdk[name] = (input: unknown) => invoke(name, input)

  const host: StubHost = {
    define(method, handler) {
      handlers.set(method, handler)
    },
    emit,
    sandboxBase,
    calls,
  }

  const handle: UpsdkStubHandle = {
    calls,
    get configState() {
      return configState
    },
    get configuredUrl() {
      return configuredUrl
    },
    script(method, script) {
      scripts.set(method, Array.isArray(script) ? [...script] : script)
    },
    unscript(method) {
      scripts.delete(method)
    },
    emit,
    tapRightButton: () => emit('rightbtnclick'),
    screenshot: () => emit('screenShotAction'),
    reset() {
      scripts.clear()
      calls.length = 0
    },
    device,
    get listeners() {
      return Object.fromEntries([...attached.keys()].map((k) => [k, true]))
    },
  }
  return { upsdk, handle, host }
}
