import { postJson, type FetchLike, type JsonReplyFailure } from '../platform-http.ts'
import { ChinaumsError } from './errors.ts'
import { openBodySigHeader, type OpenCredentials } from './sign.ts'
import { requestTimestamp } from './time.ts'

export interface ChinaumsClientOptions extends OpenCredentials {
  baseUrl: string
  mid: string
  tid: string
  timeoutMs: number
  clock: () => number
  fetch?: FetchLike
}

export type ChinaumsReply = Record<string, unknown> & { errCode: 'SUCCESS' }

/** The back-end APIs of seed 004 (1.2–1.7), all POST JSON under `/v1/netpay/`. */
export type ChinaumsApi =
  'query' | 'refund' | 'refund-query' | 'close' | 'secure-cancel' | 'secure-complete' | 'uac/app-order'

export interface RefundRequest {
  merOrderId: string
  refundOrderId: string
  refundAmount: number
  refundDesc?: string
  platformAmount?: number
  subOrders?: Array<{ mid: string; totalAmount: number }>
}

function transportError(api: ChinaumsApi, f: JsonReplyFailure): ChinaumsError {
  switch (f.kind) {
    case 'timeout':
      return new ChinaumsError(api, 'TIMEOUT', `no answer within ${f.timeoutMs} ms`, 'indeterminate')
    case 'network':
      return new ChinaumsError(api, 'NET_ERROR', 'network failure', 'indeterminate')
    case 'too_large':
      return new ChinaumsError(
        api,
        'INVALID_RESPONSE',
        `HTTP ${f.status}, reply over ${f.maxBytes} bytes`,
        'indeterminate',
      )
    case 'not_json':
      return new ChinaumsError(api, 'INVALID_RESPONSE', `HTTP ${f.status}, reply is not JSON`, 'indeterminate')
    case 'not_object':
      return new ChinaumsError(api, 'INVALID_RESPONSE', `HTTP ${f.status}, reply is not an object`, 'indeterminate')
  }
}

/**
 * Calls 银商 with `Authorization: OPEN-BODY-SIG ...` signed over the exact JSON text sent.
 * `errCode` other than SUCCESS, a timeout, a network failure or an unreadable reply become a
 * `ChinaumsError` whose `kind` says whether the outcome is known.
 */
export class ChinaumsClient {
  private readonly fetch: FetchLike

  constructor(private readonly o: ChinaumsClientOptions) {
    this.fetch = o.fetch ?? (globalThis.fetch as unknown as FetchLike)
  }

  /** Common fields every request carries. */
  private base(instMid: string): Record<string, unknown> {
    return { requestTimestamp: requestTimestamp(this.o.clock()), mid: this.o.mid, tid: this.o.tid, instMid }
  }

  async call(api: ChinaumsApi, fields: Record<string, unknown>, instMid = 'H5DEFAULT'): Promise<ChinaumsReply> {
    const body = JSON.stringify({ ...this.base(instMid), ...fields })
    const url = `${this.o.baseUrl}/v1/netpay/${api}`
    const { status, reply: r } = await postJson(
      {
        fetch: this.fetch,
        url,
        body,
        headers: { authorization: openBodySigHeader(this.o, body, this.o.clock()) },
        timeoutMs: this.o.timeoutMs,
      },
      (f) => transportError(api, f),
    )
    if (typeof r.errCode !== 'string')
      throw new ChinaumsError(api, 'INVALID_RESPONSE', `HTTP ${status}, reply has no errCode`, 'indeterminate')
    if (r.errCode !== 'SUCCESS') throw new ChinaumsError(api, r.errCode, typeof r.errMsg === 'string' ? r.errMsg : '')
    return r as ChinaumsReply
  }

  query(merOrderId: string, instMid?: string) {
    return this.call('query', { merOrderId }, instMid)
  }
  refund(req: RefundRequest, instMid?: string) {
    return this.call('refund', { ...req }, instMid)
  }
  /**
   * Seed 1.4. Its table says `merOrderId` carries the refund's id (退货订单号), its example sends
   * the original order's: the caller picks the reading; `refundOrderId` is sent along when given.
   */
  refundQuery(q: { merOrderId: string; refundOrderId?: string }, instMid?: string) {
    return this.call('refund-query', { ...q }, instMid)
  }
  close(merOrderId: string, instMid?: string) {
    return this.call('close', { merOrderId }, instMid)
  }
  secureCancel(merOrderId: string, instMid?: string) {
    return this.call('secure-cancel', { merOrderId }, instMid)
  }
  secureComplete(merOrderId: string, completedAmount: number, instMid?: string) {
    return this.call('secure-complete', { merOrderId, completedAmount }, instMid)
  }
}
