/** One upsdk call as the page made it, for the debug console. */
export interface UpsdkCallEntry {
  at: number
  method: string
  params: Record<string, unknown>
  outcome: 'pending' | 'success' | 'fail'
  answer?: unknown
}

type Sink = (entry: UpsdkCallEntry, phase: 'call' | 'answer') => void

const WRAPPED = Symbol.for('upkit.upsdkCallLog')
/** Methods that are not plugin calls (`ready`/`error` take plain callbacks). */
const SKIP = new Set(['ready', 'error', 'checkSdkVersion'])
/** Never shown in a log: signatures and tokens. */
const SECRET_KEYS = /signature|token|tn$/i

function redact(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'function') continue
    out[k] = SECRET_KEYS.test(k) && typeof v === 'string' ? `${v.slice(0, 4)}…(${v.length})` : v
  }
  return out
}

/**
 * Wraps each plugin method of an upsdk object (the real upsdk.js or the stub alike) so that the
 * call, its parameters (signatures and tokens shortened) and its `success`/`fail` answer reach
 * `sink`. The object keeps working exactly as before; wrapping twice does nothing.
 */
export function wrapUpsdkForLog(
  upsdk: Record<string | symbol, unknown>,
  sink: Sink,
  now: () => number = Date.now,
): boolean {
  if (upsdk[WRAPPED]) return false
  upsdk[WRAPPED] = true
  for (const key of Object.keys(upsdk)) {
    const original = upsdk[key]
    if (typeof original !== 'function' || SKIP.has(key)) continue
    upsdk[key] = function (this: unknown, ...args: unknown[]) {
      const first = args[0]
      if (first && typeof first === 'object') {
        const opts = first as Record<string, unknown>
        const entry: UpsdkCallEntry = { at: now(), method: key, params: redact(opts), outcome: 'pending' }
        sink(entry, 'call')
        const wrapped: Record<string, unknown> = { ...opts }
        for (const name of ['success', 'fail'] as const) {
          const cb = opts[name]
          if (typeof cb !== 'function') continue
          wrapped[name] = (...res: unknown[]) => {
            entry.outcome = name
            entry.answer = res[0]
            sink(entry, 'answer')
            return (cb as (...a: unknown[]) => unknown)(...res)
          }
        }
        args[0] = wrapped
      }
      return (original as (...a: unknown[]) => unknown).apply(this, args)
    }
  }
  return true
}
