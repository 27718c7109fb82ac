import { postJson, type FetchLike, type JsonReplyFailure } from '../platform-http.ts'
import type { CallBudget } from './budget.ts'
import { UnionpayError } from './errors.ts'

export type { FetchLike }

export interface UnionpayClientOptions {
  baseUrl: string
  timeoutMs: number
  budget: CallBudget
  fetch?: FetchLike
}

export type PlatformParams = Record<string, unknown>

/**
 * JSON POSTs to `${baseUrl}/open/access/1.0/<api>`. Every call takes a budget slot first (sized
 * by its timeout: it may arrive until then, or later if we give up on it) and has a timeout; a reply whose `resp` is not "00" becomes a `UnionpayError`.
 */
export class UnionpayClient {
  private readonly fetch: FetchLike

  constructor(private readonly options: UnionpayClientOptions) {
    this.fetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike)
  }

  async call(api: string, body: Record<string, unknown>): Promise<PlatformParams> {
    const ticket = await this.options.budget.take(this.options.timeoutMs)
    const url = `${this.options.baseUrl}/open/access/1.0/${api}`
    const { status, reply } = await postJson(
      {
        fetch: this.fetch,
        url,
        body: JSON.stringify(body),
        timeoutMs: this.options.timeoutMs,
        onAnswer: () => ticket.arrived(),
      },
      (f) => {
        // No connection: whatever was sent arrived by now. A call we gave up on may still be on its
        // way: it keeps counting until its latest arrival.
        if (f.kind === 'network') void ticket.arrived()
        return transportError(api, f)
      },
    )
    const answer = unwrapResult(reply)
    if (typeof answer.resp !== 'string')
      throw new UnionpayError(api, `HTTP_${status}`, 'reply has no resp field', 'protocol')
    const { msg, params } = answer as { resp: string; msg?: unknown; params?: unknown }
    // 附录十 prints an answer as `"resp":" AM03051"`: codes are compared without surrounding spaces.
    const resp = answer.resp.trim()
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
export function unwrapResult(reply: Record<string, unknown>): Record<string, unknown> {
  if ('resp' in reply) return reply
  const inner = reply.result
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner)
    ? (inner as Record<string, unknown>)
    : reply
}

function transportError(api: string, f: JsonReplyFailure): UnionpayError {
  switch (f.kind) {
    case 'timeout':
      return new UnionpayError(api, 'TIMEOUT', `no answer within ${f.timeoutMs} ms`, 'timeout')
    case 'network':
      return new UnionpayError(api, 'NETWORK', f.message, 'network')
    case 'too_large':
      return new UnionpayError(api, `HTTP_${f.status}`, `reply over ${f.maxBytes} bytes`, 'protocol')
    case 'not_json':
      return new UnionpayError(api, `HTTP_${f.status}`, 'reply is not JSON', 'protocol')
    case 'not_object':
      return new UnionpayError(api, `HTTP_${f.status}`, 'reply has no resp field', 'protocol')
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
