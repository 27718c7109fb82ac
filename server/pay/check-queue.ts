import { sql } from 'kysely'
import { within, type Db } from '../store/kysely-db.ts'
import type { Order, Refund } from './model.ts'
import { toOrder, toRefund } from './rows.ts'
import { FIRST_CHECK_AFTER_MS } from './schedule.ts'

/**
 * When each pending order and refund is next asked about (reconciliation's queue): what is due,
 * claiming one for a query (a lease, so two instances never query the same one), and the next date.
 */
export class CheckQueue {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  /**
   * Orders due for a status query: those the platform has been seen to know first (a notify, a
   * verified return page, an answer, a tn), then the others, oldest due first within each — so
   * thousands of orders nobody opened cannot delay settling one that was paid.
   */
  async dueOrders(now: number, limit: number): Promise<Order[]> {
    const rows = await within(this.db)
      .selectFrom('pay_orders')
      .selectAll()
      .where('next_check_at', 'is not', null)
      .where('next_check_at', '<=', now)
      .orderBy(sql`(seen_at IS NULL)`)
      .orderBy('next_check_at')
      .limit(limit)
      .execute()
    return rows.map(toOrder)
  }

  /** Takes a due order: moves `next_check_at` to `leaseUntil` only if it still holds the value we read. */
  async claimOrder(merOrderId: string, seenNextCheckAt: number, leaseUntil: number): Promise<boolean> {
    const r = await within(this.db)
      .updateTable('pay_orders')
      .set({ next_check_at: leaseUntil })
      .where('mer_order_id', '=', merOrderId)
      .where('next_check_at', '=', seenNextCheckAt)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async scheduleOrder(merOrderId: string, nextCheckAt: number | null, countUp: boolean): Promise<void> {
    await within(this.db)
      .updateTable('pay_orders')
      .set((eb) => ({ next_check_at: nextCheckAt, check_count: eb('check_count', '+', countUp ? 1 : 0) }))
      .where('mer_order_id', '=', merOrderId)
      .execute()
  }

  /** PENDING refunds whose next refund-query is due, oldest due first (rows from before 005_refunds_division: 5 min after their last change). */
  async dueRefunds(now: number, limit: number): Promise<Refund[]> {
    const due = sql<number>`COALESCE(next_check_at, updated_at + ${FIRST_CHECK_AFTER_MS})`
    const rows = await within(this.db)
      .selectFrom('pay_refunds')
      .selectAll()
      .where('status', '=', 'PENDING')
      .where(due, '<=', now)
      .orderBy(due)
      .limit(limit)
      .execute()
    return rows.map(toRefund)
  }

  /** Takes a due refund for one refund-query (a lease). */
  async claimRefund(refundOrderId: string, leaseUntil: number): Promise<boolean> {
    const r = await within(this.db)
      .updateTable('pay_refunds')
      .set({ next_check_at: leaseUntil })
      .where('refund_order_id', '=', refundOrderId)
      .where('status', '=', 'PENDING')
      .where(sql<number>`COALESCE(next_check_at, updated_at + ${FIRST_CHECK_AFTER_MS})`, '<=', this.clock())
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  /** After a refund-query without a final answer: the next one after a growing gap (schedule.ts), or never. */
  async scheduleRefund(refundOrderId: string, nextCheckAt: number | null): Promise<void> {
    await within(this.db)
      .updateTable('pay_refunds')
      .set((eb) => ({ next_check_at: nextCheckAt, check_count: eb('check_count', '+', 1), updated_at: this.clock() }))
      .where('refund_order_id', '=', refundOrderId)
      .execute()
  }
}
