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
 * JSON POSTs to `${baseUrl}/open/access/1.0/<api>`. Every call takes a budget slot first (sized
 * by its timeout: it may arrive until then) and has a timeout; a reply whose `resp` is not "00" becomes a `UnionpayError`.
 */
export class UnionpayClient {
  private readonly fetch: FetchLike

  constructor(private readonly options: UnionpayClientOptions) {
    this.fetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike)
  }

  async call(api: string, body: Record<string, unknown>): Promise<PlatformParams> {
    const ticket = await this.options.budget.take(this.options.timeoutMs)
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
      await ticket.arrived()
      text = await res.text()
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
      // A call we gave up on may still reach the platform: it keeps counting until its latest arrival.
      if (!timedOut) await ticket.arrived()
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
    if (typeof reply !== 'object' || reply === null || typeof (reply as { resp?: unknown }).resp !== 'string') {
      throw new UnionpayError(api, `HTTP_${status}`, 'reply has no resp field', 'protocol')
    }
    const { resp, msg, params } = reply as { resp: string; msg?: unknown; params?: unknown }
    if (resp !== '00') throw new UnionpayError(api, resp, typeof msg === 'string' ? msg : '')
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      throw new UnionpayError(api, 'PROTOCOL', 'params is not an object', 'protocol')
    }
    return (params ?? {}) as PlatformParams
  }
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
