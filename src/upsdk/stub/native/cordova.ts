import { ALL_PLUGIN_NAMES } from '../../plugin-names'
import { pluginOf, SDK_SERVICE } from '../services'
import { createNativeConfig, type NativeConfigState } from './config'
import { DEFAULT_HANDLERS, newStubDevice, type StubDevice } from './defaults'
import type { StubCall, StubHost, StubMethodHandler, StubReply } from './host'

/** One scripted native answer. With neither `answer` nor `fail`, the simulator/default answers (after `delayMs`). */
export type StubStep = { answer?: unknown; delayMs?: number } | { fail: unknown; delayMs?: number } | { never: true }

export type StubScript = StubStep | ((params: Record<string, unknown>) => StubStep)

type Callback = (answer?: unknown) => void

/** The part of cordova.js upsdk.js uses: `exec` and (from the native side) `fireDocumentEvent`. */
export interface CordovaLike {
  readonly version: string
  exec(success: Callback, fail: Callback, service: string, action: string, args?: unknown[]): void
  fireDocumentEvent(type: string, data?: Record<string, unknown>): void
}

export interface NativeSideOptions {
  document: Document
  /** The page address the app sees. */
  getUrl: () => string
  fetch: typeof fetch
  /** Where the sandbox is mounted (the config signature is checked there). */
  sandboxBase: string
  os: StubDevice['os']
  /** Plugin calls while the app is not configured for the page's current address fail with c05. */
  strictUrl: boolean
}

/** The scripting surface of the native side (part of `window.__upsdkStub`). */
export interface NativeHandle {
  /** Every call that reached the bridge, config included, in order (params without functions). */
  readonly calls: StubCall[]
  readonly configState: NativeConfigState
  /** The page address (without `#…`) the last successful config was for. */
  readonly configuredUrl: string | undefined
  /**
   * Scripts the native answer of a plugin (or `config`). One step: used for every call until
   * `unscript`/`reset`. An array: one step per call, in order, then back to the simulator/default.
   */
  script(method: string, script: StubScript | StubScript[]): void
  unscript(method: string): void
  /** The plugins the next successful config grants (its `jsApiList`); `undefined`: every plugin. */
  grant(plugins: readonly string[] | undefined): void
  /** Fires a document event the cordova way (`event.deviceId`, …, no `detail`). */
  emit(eventName: string, data?: Record<string, unknown>): void
  tapRightButton(): void
  screenshot(): void
  /** Forgets scripts and the call log (not the config state). */
  reset(): void
  readonly device: StubDevice
}

export interface NativeSide {
  cordova: CordovaLike
  host: StubHost
  handle: NativeHandle
}

/** Plugins whose `success` fires once per event rather than once per call. */
const STREAMING: ReadonlySet<string> = new Set(['onHCEMessage'])
const KNOWN: ReadonlySet<string> = new Set<string>([...ALL_PLUGIN_NAMES, 'appletAuth'])

function plainParams(action: string, args: unknown[] | undefined): Record<string, unknown> {
  const first = args?.[0]
  // title and toast travel as a bare string (UPSDK.md: args [titleString] / [msg])
  if (action === 'setNavigationBarTitle') return { title: first }
  if (action === 'showFlashInfo') return { msg: first }
  if (typeof first !== 'object' || first === null) return {}
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(first)) if (typeof v !== 'function') out[k] = v
  return out
}

/**
 * The simulated native side of 云闪付: `cordova.exec` with the real Service/action names, the
 * config signature checked by the sandbox, c05 while the app is not configured for the page's
 * address, c03 for unknown actions, events fired the cordova way, scripted answers and delays,
 * and a call log.
 */
export function createNativeSide(options: NativeSideOptions): NativeSide {
  const { document: doc, getUrl, strictUrl } = options
  const pageUrl = () => getUrl().split('#')[0] ?? ''
  const calls: StubCall[] = []
  const scripts = new Map<string, StubScript | StubScript[]>()
  const handlers = new Map<string, StubMethodHandler>()
  const device = newStubDevice(options.os)
  const config = createNativeConfig({ fetch: options.fetch, sandboxBase: options.sandboxBase })

  function fireDocumentEvent(type: string, data: Record<string, unknown> = {}) {
    const event = new Event(type)
    for (const [k, v] of Object.entries(data)) if (!(k in event)) (event as unknown as Record<string, unknown>)[k] = v
    doc.dispatchEvent(event)
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

  function exec(success: Callback, fail: Callback, service: string, action: string, args?: unknown[]) {
    const params = plainParams(action, args)
    const method = pluginOf(service, action, params)
    const entry: StubCall = { method, service, action, params, at: Date.now(), outcome: 'pending' }
    calls.push(entry)
    let answered = false
    const streaming = STREAMING.has(method)
    const reply: StubReply = {
      success(answer?: unknown) {
        if (answered) return
        if (!streaming) answered = true
        Object.assign(entry, { outcome: 'success', answer, answeredAt: Date.now() })
        success(answer)
      },
      fail(err: unknown) {
        if (answered) return
        answered = true
        Object.assign(entry, { outcome: 'fail', answer: err, answeredAt: Date.now() })
        fail(err)
      },
    }
    const isConfig = service === SDK_SERVICE && action === 'config'
    if (isConfig) config.begin(pageUrl())
    else if (!KNOWN.has(method) && !handlers.has(method)) {
      return void setTimeout(() => reply.fail({ errcode: 'c03', errmsg: `${service}.${action}：插件方法不存在` }), 0)
    } else if (method !== 'appletAuth' && !config.allows(pageUrl(), strictUrl)) {
      return void setTimeout(() => reply.fail({ errcode: 'c05', errmsg: 'config执行成功以后才能调用插件方法' }), 0)
    }
    const step = nextStep(method, params)
    const run = () => {
      if (step && 'never' in step) return
      if (isConfig) return config.answer(entry.params, step, reply)
      if (step && 'fail' in step) return reply.fail(step.fail)
      if (step && 'answer' in step) return reply.success(step.answer)
      const handler = handlers.get(method)
      if (handler) {
        Promise.resolve()
          .then(() => handler(params, reply))
          .catch((err: unknown) =>
            reply.fail({ code: '04', msg: `其他错误：${err instanceof Error ? err.message : String(err)}` }),
          )
        return
      }
      const outcome = DEFAULT_HANDLERS[method as keyof typeof DEFAULT_HANDLERS]?.(params, device, doc)
      if (!outcome || 'silent' in outcome) return
      if ('fail' in outcome) reply.fail(outcome.fail)
      else reply.success(outcome.answer)
    }
    const delayMs = step && 'delayMs' in step ? (step.delayMs ?? 0) : 0
    // native answers arrive asynchronously, as over the real bridge
    setTimeout(run, Math.max(0, delayMs))
  }

  const cordova: CordovaLike = { version: '4.5.4', exec, fireDocumentEvent }

  const host: StubHost = {
    define(plugin, handler) {
      handlers.set(plugin, handler)
    },
    emit: fireDocumentEvent,
    sandboxBase: options.sandboxBase,
    calls,
    document: doc,
  }

  const handle: NativeHandle = {
    calls,
    get configState() {
      return config.state
    },
    get configuredUrl() {
      return config.url
    },
    script(method, script) {
      scripts.set(method, Array.isArray(script) ? [...script] : script)
    },
    unscript(method) {
      scripts.delete(method)
    },
    grant: (plugins) => config.grant(plugins),
    emit: fireDocumentEvent,
    tapRightButton: () => fireDocumentEvent('rightbtnclick'),
    screenshot: () => fireDocumentEvent('screenShotAction'),
    reset() {
      scripts.clear()
      calls.length = 0
    },
    device,
  }
  return { cordova, host, handle }
}
