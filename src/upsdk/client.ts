import { runtimeSettings } from '../settings'
import { callUpsdk, setCallGate, toUpsdkError, type CallOptions } from './call'
import { detectEnvironment, type UpsdkEnvironment } from './env'
import { UpsdkError } from './errors'
import { loadUpsdk } from './loader'
import type { UpsdkGlobal } from './types'
import type { UpsdkConfigSignature } from '@common/api'

/** What `POST /api/upsdk/config` answers: the fields `upsdk.config` needs (shared with the server). */
export type { UpsdkConfigSignature }

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
  /** Gets the config signature for a URL. @default fetchUpsdkSignature (POST /api/upsdk/config) */
  /** `rejected`: the signature the app refused with a20; the server checks it and may sign with a fresh frontToken. */
  fetchSignature?: (url: string, rejected?: UpsdkConfigSignature) => Promise<UpsdkConfigSignature>
  /** The current page address. @default () => location.href */
  getUrl?: () => string
  /** @default navigator.userAgent */
  userAgent?: string
  /** How long `upsdk.config` may take to call `ready` or `error`. @default 10000 */
  timeoutMs?: number
  /** Default timeout for plugin calls. @default 15000 */
  callTimeoutMs?: number
  /** Passed to `upsdk.config`: the app toasts debug information. @default the server's UPSDK_DEBUG, else the UA's `(updebug 1)` */
  debug?: boolean
}

export type PluginCallOptions = Pick<CallOptions, 'timeoutMs' | 'optimisticAfterMs'>

export interface UpsdkClient {
  /** Where the page runs, from the user agent. */
  readonly env: UpsdkEnvironment
  /** A snapshot of the state; subscribe to follow it. */
  readonly state: Readonly<UpsdkClientState>
  subscribe(listener: (state: Readonly<UpsdkClientState>) => void): () => void
  /**
   * Loads upsdk, signs the current URL and configures it; resolves on `ready`, rejects with an
   * `UpsdkError` on `error`, timeout, a server error or outside 云闪付. Memoised per signed URL:
   * when the URL changes (SPA route), the next call configures again. A failed attempt is not
   * memoised, so calling again retries.
   */
  ready(): Promise<UpsdkGlobal>
  /** Waits for `ready()` and calls one plugin exactly once. */
  call<T = unknown>(method: string, params?: Record<string, unknown>, options?: PluginCallOptions): Promise<T>
}

export interface FetchSignatureOptions {
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** @default '/api/upsdk/config' */
  endpoint?: string
}

/** POST /api/upsdk/config {url}; server errors become `UpsdkError`s with source 'server'. */
export async function fetchUpsdkSignature(
  url: string,
  options: FetchSignatureOptions = {},
  /** The signature the app rejected with a20: the server drops its frontToken when it proves the current one failed. */
  rejected?: UpsdkConfigSignature,
): Promise<UpsdkConfigSignature> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  let res: Response
  try {
    res = await doFetch(options.endpoint ?? '/api/upsdk/config', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        rejected ? { url, rejected: { timestamp: rejected.timestamp, nonceStr: rejected.nonceStr, signature: rejected.signature } } : { url },
      ),
      credentials: 'same-origin',
    })
  } catch (err) {
    throw new UpsdkError('network', '无法连接服务器获取 upsdk 签名，请检查网络', 'server', err instanceof Error ? err.message : err, 'config')
  }
  const body: unknown = await res.json().catch(() => undefined)
  if (!res.ok) {
    const e = isRecord(body) && isRecord(body.error) ? body.error : undefined
    const code = typeof e?.code === 'string' && e.code ? e.code : 'server_error'
    const message = typeof e?.message === 'string' && e.message ? e.message : `签名服务出错（HTTP ${res.status}）`
    throw new UpsdkError(code, message, 'server', body, 'config')
  }
  if (!isRecord(body)) throw new UpsdkError('bad_answer', '签名服务的应答不是 JSON 对象', 'server', body, 'config')
  const missing = ['appId', 'timestamp', 'nonceStr', 'signature'].filter((k) => typeof body[k] !== 'string' || body[k] === '')
  if (missing.length) throw new UpsdkError('bad_answer', `签名服务的应答缺少 ${missing.join('、')}`, 'server', body, 'config')
  return {
    appId: body.appId as string,
    timestamp: body.timestamp as string,
    nonceStr: body.nonceStr as string,
    signature: body.signature as string,
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The error every entry point gives outside 云闪付. */
export function notInAppError(method = 'config'): UpsdkError {
  return new UpsdkError('not_in_app', '请在云闪付 App 内打开：当前浏览器不是云闪付，upsdk 插件不可用', 'environment', undefined, method)
}

function configError(raw: unknown): UpsdkError {
  const e = toUpsdkError('config', raw)
  if (e.code === 'plugin_fail') return new UpsdkError('c01', e.message === 'config 调用失败' ? 'upsdk.config 失败' : e.message, 'sdk', raw, 'config')
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
  const fetchSignature = options.fetchSignature ?? ((url: string, rejected?: UpsdkConfigSignature) => fetchUpsdkSignature(url, {}, rejected))
  const getUrl = options.getUrl ?? (() => location.href)
  const timeoutMs = options.timeoutMs ?? 10_000
  const callTimeoutMs = options.callTimeoutMs ?? 15_000
  const debug = options.debug ?? runtimeSettings().upsdkDebug ?? env.debug

  let state: UpsdkClientState = { status: 'idle', error: undefined, signedUrl: undefined, configCount: 0 }
  const listeners = new Set<(s: Readonly<UpsdkClientState>) => void>()
  const setState = (patch: Partial<UpsdkClientState>) => {
    state = { ...state, ...patch }
    for (const l of listeners) l(state)
  }

  let generation = 0
  let current: Attempt | undefined

  function configureOnce(upsdk: UpsdkGlobal, signature: UpsdkConfigSignature, stale: () => boolean): Promise<void> {
    if (stale()) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      let done = false
      const finish = (f: () => void) => {
        if (done || stale()) return
        done = true
        clearTimeout(timer)
        f()
      }
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new UpsdkError('timeout', `upsdk.config 在 ${Math.round(timeoutMs / 1000)} 秒内没有应答`, 'timeout', undefined, 'config')),
          ),
        timeoutMs,
      )
      setState({ configCount: state.configCount + 1 })
      try {
        upsdk.config({ ...signature, debug })
        upsdk.ready(() => finish(resolve))
        upsdk.error((err) => finish(() => reject(configError(err))))
      } catch (err) {
        finish(() => reject(configError(err instanceof Error ? err.message : err)))
      }
    })
  }

  async function run(attempt: Attempt): Promise<UpsdkGlobal> {
    const stale = () => attempt.gen !== generation
    setState({ status: 'loading', error: undefined, signedUrl: attempt.url })
    const upsdk = options.upsdk ?? (await load())
    if (stale()) return upsdk
    setState({ status: 'configuring' })
    const signature = await fetchSignature(attempt.url)
    try {
      await configureOnce(upsdk, signature, stale)
    } catch (err) {
      // a20: the app no longer accepts the frontToken we signed with; report it with the refused signature and retry once.
      if (!(err instanceof UpsdkError) || err.code !== 'a20' || stale()) throw err
      await configureOnce(upsdk, await fetchSignature(attempt.url, signature), stale)
    }
    return upsdk
  }

  function ready(): Promise<UpsdkGlobal> {
    if (!env.inApp) {
      if (state.status !== 'outside-app') setState({ status: 'outside-app', error: notInAppError() })
      return Promise.reject(notInAppError())
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
    // Whoever waited for a superseded attempt gets the newest one's outcome.
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
        const e = err instanceof UpsdkError ? err : new UpsdkError('config_failed', err instanceof Error ? err.message : String(err), 'environment', err, 'config')
        attempt.outcome = 'fail'
        setState({ status: 'error', error: e })
        attempt.reject(e)
      },
    )
    return promise
  }

  async function call<T>(method: string, params: Record<string, unknown> = {}, callOptions: PluginCallOptions = {}): Promise<T> {
    if (!env.inApp) throw notInAppError(method)
    const upsdk = await ready()
    try {
      return await callUpsdk<T>(method, params, { timeoutMs: callTimeoutMs, ...callOptions, upsdk, skipGate: true })
    } catch (err) {
      // c05: the app no longer considers this page configured; the next ready() configures again.
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
  // Direct callUpsdk users (BLE, HCE, ...) on the page's upsdk wait for this URL's config first.
  setCallGate(
    client
      ? async (upsdk) => {
          if (client.env.inApp && typeof window !== 'undefined' && upsdk === window.upsdk) await client.ready()
        }
      : undefined,
  )
}
