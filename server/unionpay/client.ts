import type { CallBudget } from './budget.ts'
import { UnionpayError } from './errors.ts'

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{
  status: number
  text(): Promise<string>
}>

export interface UnionpayClientOptions {
  baseUrl: string
  timeoutMs: number
  budget: CallBudget
  fetch?: FetchLike
}

export type PlatformParams = Record<string, unknown>

/**
 * JSON POSTs to `${baseUrl}/open/access/1.0/<api>`. Every call takes a budget slot first and
 * has a timeout; a reply whose `resp` is not "00" becomes a `UnionpayError`.
 */
export class UnionpayClient {
  private readonly fetch: FetchLike

  constructor(private readonly options: UnionpayClientOptions) {
    this.fetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike)
  }

  async call(api: string, body: Record<string, unknown>): Promise<PlatformParams> {
    await this.options.budget.take()
    const url = `${this.options.baseUrl}/open/access/1.0/${api}`
    let status: number
    let text: string
    try {
      const res = await this.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      })
      status = res.status
      text = await res.text()
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
      throw new UnionpayError(
        api,
        timedOut ? 'TIMEOUT' : 'NETWORK',
        timedOut ? `no answer within ${this.options.timeoutMs} ms` : String((err as Error).message ?? err),
        timedOut ? 'timeout' : 'network',
      )
    }
    let reply: unknown
    try {
      reply = JSON.parse(text)
    } catch {
      throw new UnionpayError(api, `HTTP_${status}`, 'reply is not JSON', 'protocol')
    }
    reply = unwrapResult(reply)
    if (typeof reply !== 'object' || reply === null || typeof (reply as { resp?: unknown }).resp !== 'string') {
      throw new UnionpayError(api, `HTTP_${status}`, 'reply has no resp field', 'protocol')
    }
    const { msg, params } = reply as { resp: string; msg?: unknown; params?: unknown }
    // 7.10 prints an answer as `"resp":" AM03051"`: codes are compared without surrounding spaces.
    const resp = (reply as { resp: string }).resp.trim()
    if (resp !== '00') throw new UnionpayError(api, resp, typeof msg === 'string' ? msg : '')
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      throw new UnionpayError(api, 'PROTOCOL', 'params is not an object', 'protocol')
    }
    return (params ?? {}) as PlatformParams
  }
}

/**
 * Some answers of seed 003 (5.5.1, 5.6.1) are printed wrapped as `{"result":{resp,msg,params}}`;
 * the others are bare. Both are read the same way.
 */
export function unwrapResult(reply: unknown): unknown {
  if (typeof reply !== 'object' || reply === null || 'resp' in reply) return reply
  const inner = (reply as { result?: unknown }).result
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? inner : reply
}

/** Reads a required string field of a platform reply, or fails naming it. */
export function requireString(api: string, params: PlatformParams, field: string): string {
  const v = params[field]
  if (typeof v !== 'string' || v === '') throw new UnionpayError(api, 'PROTOCOL', `reply lacks ${field}`, 'protocol')
  return v
}

/** Reads a positive number that the platform may send as a number or a numeric string. */
export function requireSeconds(api: string, params: PlatformParams, field: string): number {
  const v = params[field]
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN
  if (!Number.isFinite(n) || n <= 0) throw new UnionpayError(api, 'PROTOCOL', `reply has a bad ${field}`, 'protocol')
  return n
}
