import { MER_ORDER_ID_RE } from '../chinaums/ids.ts'
import { readNotifyFields } from '../chinaums/notify-params.ts'
import { verifyNotifySign } from '../chinaums/sign.ts'
import type { PayDeps } from './deps.ts'
import type { Order } from './model.ts'
import type { NotifyApplied } from './notify-log.ts'
import { factsOf, notifiedStatus } from './platform-facts.ts'
import { amountOf, isSecureStatus } from './secure.ts'
import { isPaid, PENDING_STATUSES, type OrderStatus } from './status.ts'

export type NotifyAnswer = 'SUCCESS' | 'FAILED'

/** What the notify handler learnt, for logs and tests. */
export type NotifyOutcome =
  'bad_sign' | 'bad_params' | 'no_order' | 'mismatch' | 'amount_missing' | Exclude<NotifyApplied, 'no_order'>

/** What 银商 tells us: the 支付结果通知 (seed 1.9) and the return page (seed 1.8). */
export class NotifyHandler {
  constructor(private readonly d: PayDeps) {}

  /**
   * `POST /notify/chinaums`: verify, then apply once. Answers SUCCESS when the notify is
   * authentic and recorded (also for duplicates and stale ones, so 银商 stops retrying), FAILED
   * when it cannot be trusted or applied. Both shapes (flat, bills) are read.
   */
  async handle(params: Record<string, string>): Promise<{ answer: NotifyAnswer; outcome: NotifyOutcome }> {
    const { config, records, log, clock } = this.d
    const { orders, refunds, notifies, checks } = records
    if (!verifyNotifySign(params, config.chinaums.md5Key)) return { answer: 'FAILED', outcome: 'bad_sign' }
    const f = readNotifyFields(params)
    if (!f || f.orderIds.length === 0 || (f.mid !== undefined && f.mid !== config.chinaums.mid))
      return { answer: 'FAILED', outcome: 'bad_params' }
    const order = await this.ourOrder(f.orderIds)
    if (!order) {
      log.warn({ orderIds: f.orderIds }, 'chinaums notify for an unknown order')
      return { answer: 'FAILED', outcome: 'no_order' }
    }
    const merOrderId = order.merOrderId
    if (f.totalAmount === undefined) {
      // Authentic but without the amount: never settle from it. Seed 1.9 "以查询结果为准": the query
      // (which carries totalAmount, checked against ours) settles it — asked on the next round.
      await orders.atomic(async () => {
        await orders.markNotified(merOrderId)
        if (order.nextCheckAt !== null || PENDING_STATUSES.has(order.status))
          await checks.scheduleOrder(merOrderId, clock(), false)
      })
      log.warn(
        { merOrderId, status: f.status },
        'chinaums notify without totalAmount: not applied, the order is queried instead',
      )
      return { answer: 'SUCCESS', outcome: 'amount_missing' }
    }
    if (amountOf(f.totalAmount) !== order.amount) {
      log.error(
        { merOrderId, notified: f.totalAmount, ours: order.amount },
        'chinaums notify amount differs from the order',
      )
      return { answer: 'FAILED', outcome: 'mismatch' }
    }
    const status = f.status
    const refundOrderId = f.refundOrderId
    const notifyId = f.notifyId ?? `${merOrderId}:${status ?? ''}:${f.seqId ?? ''}:${refundOrderId ?? ''}`
    const isRefund = status === 'TRADE_REFUND' || refundOrderId !== undefined
    // A 担保 cancel (ours, or the 30-day automatic one) closes a paid order through its secure facts.
    const secureCancel = order.secure && f.secureStatus === 'CANCELED' && isPaid(order.status)
    const to: OrderStatus | null = isRefund || secureCancel ? null : notifiedStatus(status)
    const outcome = await orders.atomic(async () => {
      const r = await notifies.apply(notifyId, merOrderId, to, factsOf(f.all))
      if (r !== 'applied' && r !== 'unchanged') return r
      if (isSecureStatus(f.secureStatus)) {
        if (
          (await orders.recordSecureFacts(merOrderId, f.secureStatus, amountOf(f.completeAmount), 'notify')) &&
          r === 'unchanged'
        )
          return 'applied' as const
      }
      if (isRefund && refundOrderId) {
        const refund = await refunds.get(refundOrderId)
        if (refund && refund.merOrderId === merOrderId && refund.status === 'PENDING') {
          await refunds.settle(refundOrderId, 'SUCCESS', 'notify')
          return 'applied' as const
        }
        // A refund we never asked for (e.g. made in the 银商 portal): record it, or the money event is lost.
        const refundAmount = amountOf(f.refundAmount)
        if (!refund && MER_ORDER_ID_RE.test(refundOrderId) && refundAmount !== undefined && refundAmount > 0) {
          if (await refunds.recordNotified(merOrderId, refundOrderId, refundAmount)) return 'applied' as const
          log.error(
            { merOrderId, refundOrderId, refundAmount },
            'chinaums refund notify could not be recorded (amount or order state)',
          )
        }
      }
      return r
    })
    if (outcome === 'no_order') return { answer: 'FAILED', outcome }
    if (outcome === 'stale') {
      // Paid by the gateway while we hold the order closed: money may be taken, a person must look.
      if (to === 'TRADE_SUCCESS' && order.status === 'TRADE_CLOSED')
        log.error(
          { merOrderId, notifyId },
          'chinaums notify: TRADE_SUCCESS for an order closed here — check it by hand',
        )
      else log.info({ merOrderId, status, current: order.status }, 'stale chinaums notify ignored')
    }
    return { answer: 'SUCCESS', outcome }
  }

  /** The first candidate id that is one of our orders. */
  private async ourOrder(ids: readonly string[]): Promise<Order | null> {
    for (const id of ids) {
      if (!MER_ORDER_ID_RE.test(id)) continue
      const o = await this.d.records.orders.get(id)
      if (o) return o
    }
    return null
  }

  /**
   * The return page (`returnUrl`), flat or bills-shaped: the query is only trusted when its sign
   * verifies, and even then only as a hint of what the buyer did; the order's status always comes
   * from our store. A verified one tells that the platform knows the order (reconciliation asks
   * about it first).
   */
  async verifyReturn(
    params: Record<string, string>,
  ): Promise<{ merOrderId: string | null; verified: boolean; buyerPaid: boolean }> {
    const f = readNotifyFields(params)
    const order = f ? await this.ourOrder(f.orderIds) : null
    const verified = order !== null && verifyNotifySign(params, this.d.config.chinaums.md5Key)
    if (verified) await this.d.records.orders.markSeen(order.merOrderId)
    return { merOrderId: order?.merOrderId ?? null, verified, buyerPaid: verified && f?.status === 'TRADE_SUCCESS' }
  }
}
