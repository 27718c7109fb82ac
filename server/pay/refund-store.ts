import type { Db } from '../store/db.ts'
import { RefundRefusedError } from './errors.ts'
import type { Refund, RefundDivision } from './model.ts'
import type { OrderStore } from './orders.ts'
import { assertRefundFits, notifiedRefundFits, statusAfterRefund } from './refund-policy.ts'
import { immediate, toRefund, type Row } from './rows.ts'
import { FIRST_CHECK_AFTER_MS } from './schedule.ts'

/** The refund records (SQLite). The money rules are refund-policy.ts; this applies them inside the write's transaction. */
export class RefundStore {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderStore,
    private readonly clock: () => number,
  ) {}

  get(refundOrderId: string): Refund | null {
    const r = this.db.prepare('SELECT * FROM pay_refunds WHERE refund_order_id = ?').get(refundOrderId) as
      Row | undefined
    return r ? toRefund(r) : null
  }

  ofOrder(merOrderId: string): Refund[] {
    return (
      this.db
        .prepare('SELECT * FROM pay_refunds WHERE mer_order_id = ? ORDER BY created_at, rowid')
        .all(merOrderId) as Row[]
    ).map(toRefund)
  }

  /**
   * Reserves a refund before calling 银商, under the refund policy (refunds not failed, pending
   * ones included, count). An existing refundOrderId for the same order and amount is returned as
   * is (idempotent retry); otherwise it is a conflict.
   */
  reserve(
    merOrderId: string,
    refundOrderId: string,
    amount: number,
    description?: string,
    division?: RefundDivision,
  ): { refund: Refund; existing: boolean } {
    return immediate(this.db, () => {
      const existing = this.get(refundOrderId)
      if (existing) {
        if (existing.merOrderId !== merOrderId || existing.amount !== amount) {
          throw new RefundRefusedError('REFUND_ID_CONFLICT', `退款单号 ${refundOrderId} 已用于另一笔退款`)
        }
        return { refund: existing, existing: true }
      }
      const o = this.orders.get(merOrderId)
      if (!o) throw new RefundRefusedError('NO_ORDER', '订单不存在')
      assertRefundFits(
        o,
        amount,
        division,
        this.ofOrder(merOrderId).filter((r) => r.status !== 'FAILED'),
      )
      const now = this.clock()
      this.db
        .prepare(
          `INSERT INTO pay_refunds (refund_order_id, mer_order_id, amount, status, description, division_json, next_check_at, created_at, updated_at)
           VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)`,
        )
        .run(
          refundOrderId,
          merOrderId,
          amount,
          description ?? null,
          division ? JSON.stringify(division) : null,
          now + FIRST_CHECK_AFTER_MS,
          now,
          now,
        )
      return { refund: this.get(refundOrderId) as Refund, existing: false }
    })
  }

  /**
   * A refund 银商 notified that we never asked for (made in the 银商 merchant portal, or lost
   * before it was recorded): recorded as succeeded so the money event is not lost. Refused
   * (null) when the policy says it does not fit.
   */
  recordNotified(merOrderId: string, refundOrderId: string, amount: number): Refund | null {
    return immediate(this.db, () => {
      if (this.get(refundOrderId)) return null
      const o = this.orders.get(merOrderId)
      if (!o || !notifiedRefundFits(o, amount)) return null
      const now = this.clock()
      this.db
        .prepare(
          `INSERT INTO pay_refunds (refund_order_id, mer_order_id, amount, status, description, created_at, updated_at)
           VALUES (?, ?, ?, 'PENDING', '银商通知的退款', ?, ?)`,
        )
        .run(refundOrderId, merOrderId, amount, now, now)
      return this.settle(refundOrderId, 'SUCCESS', 'notify')
    })
  }

  /**
   * Settles a refund once: SUCCESS adds to refunded_amount and moves the order on (policy:
   * TRADE_REFUND, or TRADE_CLOSED when fully refunded); FAILED releases the reservation. A refund
   * already settled is left as is.
   */
  settle(refundOrderId: string, outcome: 'SUCCESS' | 'FAILED', source: string, errCode?: string): Refund {
    return immediate(this.db, () => {
      const r = this.get(refundOrderId)
      if (!r) throw new Error(`no refund ${refundOrderId}`)
      if (r.status !== 'PENDING') return r
      this.db
        .prepare(
          'UPDATE pay_refunds SET status = ?, err_code = ?, updated_at = ?, next_check_at = NULL WHERE refund_order_id = ?',
        )
        .run(outcome, errCode ?? null, this.clock(), refundOrderId)
      if (outcome === 'SUCCESS') {
        const o = this.orders.mustGet(r.merOrderId)
        const refunded = o.refundedAmount + r.amount
        this.orders.setRefunded(r.merOrderId, refunded)
        this.orders.moveIn(o, statusAfterRefund(o, refunded), source, `refund ${refundOrderId} ${r.amount}`)
      }
      return this.get(refundOrderId) as Refund
    })
  }
}
