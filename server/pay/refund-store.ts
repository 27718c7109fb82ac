import { isUniqueViolation, within, type Db } from '../store/kysely-db.ts'
import { RefundRefusedError } from './errors.ts'
import type { Refund, RefundDivision } from './model.ts'
import type { OrderStore } from './orders.ts'
import { assertRefundFits, notifiedRefundFits, statusAfterRefund } from './refund-policy.ts'
import { toRefund } from './rows.ts'
import { FIRST_CHECK_AFTER_MS } from './schedule.ts'

/**
 * The refund records. The money rules are refund-policy.ts; this applies them inside the write's
 * transaction, with the order row locked first (PostgreSQL FOR UPDATE; SQLite BEGIN IMMEDIATE),
 * so concurrent reservations on one order — on any number of instances — are checked one after
 * the other against what is already reserved.
 */
export class RefundStore {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderStore,
    private readonly clock: () => number,
  ) {}

  async get(refundOrderId: string): Promise<Refund | null> {
    const r = await within(this.db)
      .selectFrom('pay_refunds')
      .selectAll()
      .where('refund_order_id', '=', refundOrderId)
      .executeTakeFirst()
    return r ? toRefund(r) : null
  }

  async ofOrder(merOrderId: string): Promise<Refund[]> {
    const rows = await within(this.db)
      .selectFrom('pay_refunds')
      .selectAll()
      .where('mer_order_id', '=', merOrderId)
      .orderBy('created_at')
      .orderBy('rowid')
      .execute()
    return rows.map(toRefund)
  }

  /**
   * Reserves a refund before calling 银商, under the refund policy (refunds not failed, pending
   * ones included, count). An existing refundOrderId for the same order and amount is returned as
   * is (idempotent retry); otherwise it is a conflict.
   */
  async reserve(
    merOrderId: string,
    refundOrderId: string,
    amount: number,
    description?: string,
    division?: RefundDivision,
  ): Promise<{ refund: Refund; existing: boolean }> {
    const sameAsExisting = (existing: Refund) => {
      if (existing.merOrderId !== merOrderId || existing.amount !== amount) {
        throw new RefundRefusedError('REFUND_ID_CONFLICT', `退款单号 ${refundOrderId} 已用于另一笔退款`)
      }
      return { refund: existing, existing: true }
    }
    try {
      return await this.orders.atomic(async () => {
        const o = await this.orders.lock(merOrderId)
        const existing = await this.get(refundOrderId)
        if (existing) return sameAsExisting(existing)
        if (!o) throw new RefundRefusedError('NO_ORDER', '订单不存在')
        assertRefundFits(
          o,
          amount,
          division,
          (await this.ofOrder(merOrderId)).filter((r) => r.status !== 'FAILED'),
        )
        const now = this.clock()
        await within(this.db)
          .insertInto('pay_refunds')
          .values({
            refund_order_id: refundOrderId,
            mer_order_id: merOrderId,
            amount,
            status: 'PENDING',
            description: description ?? null,
            division_json: division ? JSON.stringify(division) : null,
            next_check_at: now + FIRST_CHECK_AFTER_MS,
            created_at: now,
            updated_at: now,
            err_code: null,
          })
          .execute()
        return { refund: (await this.get(refundOrderId)) as Refund, existing: false }
      })
    } catch (err) {
      // the same refundOrderId reserved at the same moment for another order: the key decided
      if (!isUniqueViolation(err)) throw err
      const existing = await this.get(refundOrderId)
      if (!existing) throw err
      return sameAsExisting(existing)
    }
  }

  /**
   * A refund 银商 notified that we never asked for (made in the 银商 merchant portal, or lost
   * before it was recorded): recorded as succeeded so the money event is not lost. Refused
   * (null) when the policy says it does not fit.
   */
  recordNotified(merOrderId: string, refundOrderId: string, amount: number): Promise<Refund | null> {
    return this.orders.atomic(async () => {
      const o = await this.orders.lock(merOrderId)
      if (await this.get(refundOrderId)) return null
      if (!o || !notifiedRefundFits(o, amount)) return null
      const now = this.clock()
      await within(this.db)
        .insertInto('pay_refunds')
        .values({
          refund_order_id: refundOrderId,
          mer_order_id: merOrderId,
          amount,
          status: 'PENDING',
          description: '银商通知的退款',
          created_at: now,
          updated_at: now,
          division_json: null,
          next_check_at: null,
          err_code: null,
        })
        .execute()
      return this.settle(refundOrderId, 'SUCCESS', 'notify')
    })
  }

  /**
   * Settles a refund once: SUCCESS adds to refunded_amount and moves the order on (policy:
   * TRADE_REFUND, or TRADE_CLOSED when fully refunded); FAILED releases the reservation. A refund
   * already settled is left as is.
   */
  settle(refundOrderId: string, outcome: 'SUCCESS' | 'FAILED', source: string, errCode?: string): Promise<Refund> {
    return this.orders.atomic(async () => {
      const first = await this.get(refundOrderId)
      if (!first) throw new Error(`no refund ${refundOrderId}`)
      // the order row first (the lock every refund and status write takes), then the refund as it is now
      const o = await this.orders.lock(first.merOrderId)
      const r = (await this.get(refundOrderId)) ?? first
      if (r.status !== 'PENDING') return r
      await within(this.db)
        .updateTable('pay_refunds')
        .set({ status: outcome, err_code: errCode ?? null, updated_at: this.clock(), next_check_at: null })
        .where('refund_order_id', '=', refundOrderId)
        .execute()
      if (outcome === 'SUCCESS') {
        if (!o) throw new Error(`order ${r.merOrderId} vanished`)
        const refunded = o.refundedAmount + r.amount
        await this.orders.setRefunded(r.merOrderId, refunded)
        await this.orders.moveIn(o, statusAfterRefund(o, refunded), source, `refund ${refundOrderId} ${r.amount}`)
      }
      return (await this.get(refundOrderId)) as Refund
    })
  }
}
