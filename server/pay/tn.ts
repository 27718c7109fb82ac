import type { ChinaumsClient } from '../chinaums/client.ts'
import { ChinaumsError } from '../chinaums/errors.ts'

export interface TnRequest {
  merOrderId: string
  /** 分 */
  amount: number
  notifyUrl: string
}

/**
 * Issues the tn (交易流水号) that `upsdk.pay({tn})` takes. The sandbox provider now; a
 * 全渠道 (acp) provider can implement the same interface later.
 */
export interface TnProvider {
  readonly name: string
  /** instMid recorded on the order and used when querying it. */
  readonly instMid: string
  /** The provider settles its orders itself (全渠道 notification/query): no 银商 status queries. */
  readonly settlesOrders?: boolean
  issue(req: TnRequest): Promise<{ tn: string }>
}

const TN_RE = /^[0-9A-Za-z]{10,64}$/

/**
 * The sandbox tn provider: a 银商-style `uac/app-order` call (OPEN-BODY-SIG) answered by the
 * built-in sandbox with `appPayRequest.tn`; the payment's notify then comes to `/notify/chinaums`
 * like any 银商 notify. Not in seed 004: the request/response shape is ours.
 */
export class SandboxTnProvider implements TnProvider {
  readonly name = 'sandbox'
  readonly instMid = 'APPDEFAULT'

  constructor(private readonly client: ChinaumsClient) {}

  async issue(req: TnRequest): Promise<{ tn: string }> {
    const r = await this.client.call(
      'uac/app-order',
      { merOrderId: req.merOrderId, totalAmount: req.amount, notifyUrl: req.notifyUrl },
      this.instMid,
    )
    const apr = r.appPayRequest
    const tn = apr && typeof apr === 'object' ? (apr as Record<string, unknown>).tn : undefined
    if (typeof tn !== 'string' || !TN_RE.test(tn))
      throw new ChinaumsError(
        'uac/app-order',
        'INVALID_RESPONSE',
        'reply has no valid appPayRequest.tn',
        'indeterminate',
      )
    return { tn }
  }
}
