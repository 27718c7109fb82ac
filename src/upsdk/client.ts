import { runtimeSettings } from '../settings'
import { callUpsdk, setCallGate, type CallOptions } from './call'
import { configListeners } from './config-listeners'
import { detectEnvironment, type UpsdkEnvironment } from './env'
import { noBridgeError, notInAppError, toUpsdkError, UpsdkError } from './errors'
import { loadUpsdk } from './loader'
import { fetchUpsdkSignature, type UpsdkConfigSignature } from './signature'
import type { UpsdkGlobal } from './types'

export { fetchUpsdkSignature, type FetchSignatureOptions, type UpsdkConfigSignature } from './signature'
export { notInAppError } from './errors'

export type UpsdkStatus = 'idle' | 'loading' | 'configuring' | 'ready' | 'error' | 'outside-app'

export interface UpsdkClientState {
  status: UpsdkStatus
  error: UpsdkError | undefined
  /** The URL (without `#…`) the current or last config was signed for. */
  signedUrl: string | undefined
  /** How many times `upsdk.config` was called. */
  configCount: number
}

export interface UpsdkClientOptions {
  /** The upsdk object; when given, nothing is loaded. @default the result of `load()` */
  upsdk?: UpsdkGlobal
  /** Loads upsdk.js. @default loadUpsdk() */
  load?: () => Promise<UpsdkGlobal>
  /**
   * Gets the config signature for a URL. `rejected`: the signature the app refused with a20; the
   * server checks it and may sign with a fresh frontToken. @default fetchUpsdkSignature (POST /api/upsdk/config)
   */
  fetchSignature?: (url: string, rejected?: UpsdkConfigSignature) => Promise<UpsdkConfigSignature>
  /** The current page address. @default () => location.href */
  getUrl?: () => string
  /** @default navigator.userAgent */
  userAgent?: string
  /** Where cordova fires `deviceready`. @default document */
  document?: Document
  /** How long `upsdk.config` may take to get its native answer. @default 10000 */
  timeoutMs?: number
  /** Default timeout for plugin calls. @default 15000 */
  callTimeoutMs?: number
  /** Passed to `upsdk.config`: the app toasts debug information. @default the server's UPSDK_DEBUG, else the UA's `(updebug 1)` */
  debug?: boolean
}

export type PluginCallOptions = Pick<CallOptions, 'timeoutMs' | 'optimisticAfterMs' | 'successListener'>

export interface UpsdkClient {
  /** Where the page runs, from the user agent. */
  readonly env: UpsdkEnvironment
  /** A snapshot of the state; subscribe to follow it. */
  readonly state: Readonly<UpsdkClientState>
  subscribe(listener: (state: Readonly<UpsdkClientState>) => void): () => void
  /**
   * Loads upsdk, signs the current URL and configures it; resolves when the app's native answer
   * to THIS URL's config arrives, rejects with an `UpsdkError` on a failed answer, timeout, a
   * server error, outside 云闪付 or without a bridge. Memoised per signed URL: when the URL
   * changes (SPA route), the next call configures again. A failed attempt is not memoised.
   */
  ready(): Promise<UpsdkGlobal>
  /** Waits for `ready()` and calls one plugin exactly once. */
  call<T = unknown>(method: string, params?: Record<string, unknown>, options?: PluginCallOptions): Promise<T>
}

function configError(raw: unknown): UpsdkError {
  const e = toUpsdkError('config', raw)
  // the JS layer's own checks answer {msg}: a config the app never accepted
  if (e.code === 'plugin_fail')
    return new UpsdkError(
      'c01',
      e.message === 'config 调用失败' ? 'upsdk.config 失败' : e.message,
      'sdk',
      raw,
      'config',
    )
  return e
}

interface Attempt {
  url: string
  gen: number
  promise: Promise<UpsdkGlobal>
  resolve(v: UpsdkGlobal | Promise<UpsdkGlobal>): void
  reject(e: unknown): void
  outcome: 'pending' | 'ok' | 'fail'
}

/** The framework-free client: one per page (see `getUpsdkClient`), or one per test with injected parts. */
export function createUpsdkClient(options: UpsdkClientOptions = {}): UpsdkClient {
  const userAgent = options.userAgent ?? (typeof navigator === 'undefined' ? '' : navigator.userAgent)
  const env = detectEnvironment(userAgent)
  const load = options.load ?? (() => loadUpsdk())
  const fetchSignature =
    options.fetchSignature ?? ((url: string, rejected?: UpsdkConfigSignature) => fetchUpsdkSignature(url, {}, rejected))
  const getUrl = options.getUrl ?? (() => location.href)
  const timeoutMs = options.timeoutMs ?? 10_000
  const callTimeoutMs = options.callTimeoutMs ?? 15_000
  const debug = options.debug ?? runtimeSettings().upsdkDebug ?? env.debug

  // cordova's deviceready is sticky (late listeners still hear it): watch it to explain a silent bridge
  let deviceReady = false
  const doc = options.document ?? (typeof document === 'undefined' ? undefined : document)
  if (env.inApp) doc?.addEventListener('deviceready', () => (deviceReady = true), { once: true })

  let state: UpsdkClientState = { status: 'idle', error: undefined, signedUrl: undefined, configCount: 0 }
  const listeners = new Set<(s: Readonly<UpsdkClientState>) => void>()
  const setState = (patch: Partial<UpsdkClientState>) => {
    state = { ...state, ...patch }
    for (const l of listeners) l(state)
  }

  let generation = 0
  let current: Attempt | undefined

  function timeoutError(): UpsdkError {
    const seconds = Math.round(timeoutMs / 1000)
    if (!deviceReady && !options.upsdk) {
      return new UpsdkError(
        'bridge_not_ready',
        `云闪付的插件桥没有就绪（${seconds} 秒内没有 deviceready），upsdk.config 没有应答`,
        'timeout',
        undefined,
        'config',
      )
    }
    return new UpsdkError('timeout', `upsdk.config 在 ${seconds} 秒内没有应答`, 'timeout', undefined, 'config')
  }

  function configure(upsdk: UpsdkGlobal, signature: UpsdkConfigSignature, stale: () => boolean): Promise<void> {
    return configListeners(upsdk)
      .configure(
        { ...signature, debug },
        {
          timeoutMs,
          onTimeout: timeoutError,
          skip: () => {
            if (stale()) return true
            setState({ configCount: state.configCount + 1 })
            return false
          },
        },
      )
      .catch((raw: unknown) => {
        throw raw instanceof UpsdkError ? raw : configError(raw)
      })
  }

  async function run(attempt: Attempt): Promise<UpsdkGlobal> {
    const stale = () => attempt.gen !== generation
    setState({ status: 'loading', error: undefined, signedUrl: attempt.url })
    const upsdk = options.upsdk ?? (await load())
    if (typeof upsdk.config !== 'function') throw noBridgeError('no_config')
    if (stale()) return upsdk
    setState({ status: 'configuring' })
    const signature = await fetchSignature(attempt.url)
    try {
      await configure(upsdk, signature, stale)
    } catch (err) {
      // a20: the app no longer accepts the frontToken we signed with; report the refused signature and retry once
      if (!(err instanceof UpsdkError) || err.code !== 'a20' || stale()) throw err
      await configure(upsdk, await fetchSignature(attempt.url, signature), stale)
    }
    return upsdk
  }

  function ready(): Promise<UpsdkGlobal> {
    if (!env.inApp) {
      if (state.status !== 'outside-app') setState({ status: 'outside-app', error: notInAppError() })
      return Promise.reject(notInAppError())
    }
    if (env.bridgeProblem) {
      const e = noBridgeError(env.bridgeProblem)
      if (state.error?.code !== e.code) setState({ status: 'error', error: e })
      return Promise.reject(e)
    }
    const url = (getUrl().split('#')[0] ?? '').trim()
    if (current && current.url === url && current.outcome !== 'fail') return current.promise
    const previous = current
    let resolve!: Attempt['resolve']
    let reject!: Attempt['reject']
    const promise = new Promise<UpsdkGlobal>((res, rej) => {
      resolve = res
      reject = rej
    })
    const attempt: Attempt = { url, gen: ++generation, promise, resolve, reject, outcome: 'pending' }
    current = attempt
    // whoever waited for a superseded attempt gets the newest one's outcome
    if (previous?.outcome === 'pending') previous.resolve(promise)
    run(attempt).then(
      (upsdk) => {
        if (attempt.gen !== generation) return
        attempt.outcome = 'ok'
        setState({ status: 'ready', error: undefined })
        attempt.resolve(upsdk)
      },
      (err: unknown) => {
        if (attempt.gen !== generation) return
        const e =
          err instanceof UpsdkError
            ? err
            : new UpsdkError(
                'config_failed',
                err instanceof Error ? err.message : String(err),
                'environment',
                err,
                'config',
              )
        attempt.outcome = 'fail'
        setState({ status: 'error', error: e })
        attempt.reject(e)
      },
    )
    return promise
  }

  async function call<T>(
    method: string,
    params: Record<string, unknown> = {},
    callOptions: PluginCallOptions = {},
  ): Promise<T> {
    if (!env.inApp) throw notInAppError(method)
    const upsdk = await ready()
    try {
      return await callUpsdk<T>(method, params, { timeoutMs: callTimeoutMs, ...callOptions, upsdk, skipGate: true })
    } catch (err) {
      // c05: the app no longer considers this page configured; the next ready() configures again
      if (err instanceof UpsdkError && err.code === 'c05' && current?.outcome === 'ok') current.outcome = 'fail'
      throw err
    }
  }

  return {
    env,
    get state() {
      return state
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    ready,
    call,
  }
}

let defaultClient: UpsdkClient | undefined

/** The page's shared client (created with default options on first use). */
export function getUpsdkClient(): UpsdkClient {
  defaultClient ??= createUpsdkClient()
  return defaultClient
}

/** Makes `client` the shared one (the Vue plugin does this). */
export function setUpsdkClient(client: UpsdkClient | undefined): void {
  defaultClient = client
  // direct callUpsdk users (BLE, HCE, ...) on the page's upsdk wait for this URL's native config answer first
  setCallGate(
    client
      ? async (upsdk) => {
          if (client.env.inApp && typeof window !== 'undefined' && upsdk === window.upsdk) await client.ready()
        }
      : undefined,
  )
}
