import { toUpsdkError, UpsdkError } from './errors'

export { toUpsdkError }

/** The injected upsdk object, else the page's `window.upsdk` (every plugin module resolves it this way). */
export function resolveUpsdk(upsdk?: UpsdkGlobal): UpsdkGlobal | undefined {
  return upsdk ?? (typeof window !== 'undefined' ? window.upsdk : undefined)
}
import type { UpsdkGlobal } from './types'

/**
 * Runs before a call reaches `upsdk`: the page's client installs one that waits until upsdk is
 * configured for the current URL (config is per URL; a call right after an SPA navigation —
 * e.g. cleanup while leaving a page — would otherwise meet `c05`).
 */
export type CallGate = (upsdk: UpsdkGlobal) => Promise<void> | void

let callGate: CallGate | undefined

export function setCallGate(gate: CallGate | undefined): void {
  callGate = gate
}

export interface CallOptions {
  /** Skip the call gate (the client uses this for calls it has already made ready). */
  skipGate?: boolean
  /** The upsdk object to talk to. @default window.upsdk */
  upsdk?: UpsdkGlobal
  /** Reject with code `timeout` when neither callback ran in time; 0 disables. @default 15000 */
  timeoutMs?: number
  /**
   * For plugins that document no callbacks (setNavigationBarTitle, showFlashInfo, …): resolve
   * with `undefined` when neither callback ran within this many ms instead of waiting for the
   * timeout. A `fail` that comes first still rejects. @default undefined (wait for an answer)
   */
  optimisticAfterMs?: number
  /**
   * For `monitorScreenShot`, whose `success` upsdk.js attaches as the event listener rather than
   * calling it as an answer: sent as `success`; the call then settles only by `fail`, the timeout
   * or `optimisticAfterMs`.
   */
  successListener?: (event: Event) => void
}

/**
 * Calls one upsdk plugin method exactly once and wraps its `{success, fail}` callbacks in a
 * Promise. Parameters that are `undefined` are left out (the spec: optional fields must not be
 * sent when empty).
 */
export function callUpsdk<T = unknown>(
  method: string,
  params: Record<string, unknown> = {},
  options: CallOptions = {},
): Promise<T> {
  const upsdk = resolveUpsdk(options.upsdk)
  const fn = upsdk?.[method]
  if (typeof fn !== 'function') {
    return Promise.reject(
      new UpsdkError(
        'not_available',
        `upsdk.${method} 不可用：upsdk 未加载或版本过旧`,
        'environment',
        undefined,
        method,
      ),
    )
  }
  const gate = options.skipGate ? undefined : callGate
  if (gate) {
    return Promise.resolve()
      .then(() => gate(upsdk as UpsdkGlobal))
      .then(() => callUpsdk<T>(method, params, { ...options, upsdk: upsdk as UpsdkGlobal, skipGate: true }))
  }
  const clean: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(params)) if (v !== undefined) clean[k] = v
  const timeoutMs = options.timeoutMs ?? 15_000
  return new Promise<T>((resolve, reject) => {
    let settled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const promiseCleanups: Array<() => void> = []
    const settle = (f: () => void) => {
      if (settled) return
      settled = true
      if (timer) clearTimeout(timer)
      for (const c of promiseCleanups) c()
      f()
    }
    if (timeoutMs > 0) {
      timer = setTimeout(
        () =>
          settle(() =>
            reject(new UpsdkError('timeout', `${method} 在 ${timeoutMs} ms 内没有应答`, 'timeout', undefined, method)),
          ),
        timeoutMs,
      )
    }
    if (options.optimisticAfterMs !== undefined) {
      const optimistic = setTimeout(() => settle(() => resolve(undefined as T)), options.optimisticAfterMs)
      promiseCleanups.push(() => clearTimeout(optimistic))
    }
    try {
      ;(fn as (p: Record<string, unknown>) => void).call(upsdk, {
        ...clean,
        success: options.successListener ?? ((answer: unknown) => settle(() => resolve(answer as T))),
        fail: (err: unknown) => settle(() => reject(toUpsdkError(method, err))),
      })
    } catch (err) {
      settle(() => reject(toUpsdkError(method, err instanceof Error ? err.message : err)))
    }
  })
}
