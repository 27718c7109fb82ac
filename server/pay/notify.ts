import { MER_ORDER_ID_RE } from '../chinaums/ids.ts'
import { verifyNotifySign } from '../chinaums/sign.ts'
import type { PayDeps } from './deps.ts'
import type { NotifyApplied } from './notify-log.ts'
import { factsOf, notifiedStatus } from './platform-facts.ts'
import type { OrderStatus } from './status.ts'

export type NotifyAnswer = 'SUCCESS' | 'FAILED'

/** What the notify handler learnt, for logs and tests. */
export type NotifyOutcome = 'bad_sign' | 'bad_params' | 'no_order' | 'mismatch' | Exclude<NotifyApplied, 'no_order'>

/** What 银商 tells us: the 支付结果通知 (seed 1.9) and the return page (seed 1.8). */
export class NotifyHandler {
  constructor(private readonly d: PayDeps) {}

  /**
   * `POST /notify/chinaums`: verify, then apply once. Answers SUCCESS when the notify is
   * authentic and recorded (also for duplicates and stale ones, so 银商 stops retrying), FAILED
   * when it cannot be trusted or applied.
   */
  handle(params: Record<string, string>): { answer: NotifyAnswer; outcome: NotifyOutcome } {
    const { config, records, log } = this.d
    const { orders, refunds, notifies } = records
    if (!verifyNotifySign(params, config.chinaums.md5Key)) return { answer: 'FAILED', outcome: 'bad_sign' }
    const merOrderId = params.merOrderId
    if (!merOrderId || !MER_ORDER_ID_RE.test(merOrderId) || (params.mid !== undefined && params.mid !== config.chinaums.mid)) {
      return { answer: 'FAILED', outcome: 'bad_params' }
    }
    const order = orders.get(merOrderId)
    if (!order) {
      log.warn({ merOrderId }, 'chinaums notify for an unknown order')
      return { answer: 'FAILED', outcome: 'no_order' }
    }
    const total = params.totalAmount
    if (total !== undefined && total !== '' && Number(total) !== order.amount) {
      log.error({ merOrderId, notified: total, ours: order.amount }, 'chinaums notify amount differs from the order')
      return { answer: 'FAILED', outcome: 'mismatch' }
    }
    const status = params.status
    const notifyId = params.notifyId || `${merOrderId}:${status ?? ''}:${params.seqId ?? ''}:${params.refundOrderId ?? ''}`
    const refundOrderId = params.refundOrderId
    const isRefund = status === 'TRADE_REFUND' || (refundOrderId !== undefined && refundOrderId !== '')
    const to: OrderStatus | null = isRefund ? null : notifiedStatus(status)
    const outcome = orders.atomic(() => {
      const r = notifies.apply(notifyId, merOrderId, to, factsOf(params))
      if ((r === 'applied' || r === 'unchanged') && isRefund && refundOrderId) {
        const refund = refunds.get(refundOrderId)
        if (refund && refund.merOrderId === merOrderId && refund.status === 'PENDING') {
          refunds.settle(refundOrderId, 'SUCCESS', 'notify')
          return 'applied' as const
        }
        // A refund we never asked for (e.g. made in the 银商 portal): record it, or the money event is lost.
        const refundAmount = Number(params.refundAmount)
        if (!refund && MER_ORDER_ID_RE.test(refundOrderId) && Number.isInteger(refundAmount) && refundAmount > 0) {
          if (refunds.recordNotified(merOrderId, refundOrderId, refundAmount)) return 'applied' as const
          log.error({ merOrderId, refundOrderId, refundAmount }, 'chinaums refund notify could not be recorded (amount or order state)')
        }
      }
      return r
    })
    if (outcome === 'no_order') return { answer: 'FAILED', outcome }
    if (outcome === 'stale') {
      // Paid by the gateway while we hold the order closed: money may be taken, a person must look.
      if (to === 'TRADE_SUCCESS' && order.status === 'TRADE_CLOSED') log.error({ merOrderId, notifyId }, 'chinaums notify: TRADE_SUCCESS for an order closed here — check it by hand')
      else log.info({ merOrderId, status, current: order.status }, 'stale chinaums notify ignored')
    }
    return { answer: 'SUCCESS', outcome }
  }

  /**
   * The return page (`returnUrl`): the query is only trusted when its sign verifies, and even
   * then only as a hint of what the buyer did; the order's status always comes from our store.
   */
  verifyReturn(params: Record<string, string>): { merOrderId: string | null; verified: boolean; buyerPaid: boolean } {
    const id = params.merOrderId
    const merOrderId = id && MER_ORDER_ID_RE.test(id) && this.d.records.orders.get(id) ? id : null
    const verified = merOrderId !== null && verifyNotifySign(params, this.d.config.chinaums.md5Key)
    return { merOrderId, verified, buyerPaid: verified && params.status === 'TRADE_SUCCESS' }
  }
}
