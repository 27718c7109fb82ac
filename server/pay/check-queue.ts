import { sql, type Selectable } from 'kysely'
import { locksRows, within, type Db } from '../store/kysely-db.ts'
import type { Tables } from '../store/schema.ts'
import type { Order, Refund } from './model.ts'
import { toOrder, toRefund } from './rows.ts'
import { FIRST_CHECK_AFTER_MS } from './schedule.ts'

const skipLocked = (db: Db) => (locksRows(db) ? sql`FOR UPDATE SKIP LOCKED` : sql``)

/**
 * When each pending order and refund is next asked about (reconciliation's queue): what is due,
 * claiming the next one for a query (a lease, so two instances never query the same one), and the next date.
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

  /**
   * Takes the next due order (in `dueOrders`' order) for one query: its `next_check_at` moved to
   * `leaseUntil` in one statement. On PostgreSQL the candidate is picked `FOR UPDATE SKIP LOCKED`,
   * so instances claiming at once each get a different order; on SQLite the statement runs under
   * the single writer lock. Null when nothing is due.
   */
  async claimNextOrder(now: number, leaseUntil: number): Promise<Order | null> {
    const { rows } = await sql<Selectable<Tables['pay_orders']>>`
      UPDATE pay_orders SET next_check_at = ${leaseUntil}
      WHERE mer_order_id = (
        SELECT mer_order_id FROM pay_orders
        WHERE next_check_at IS NOT NULL AND next_check_at <= ${now}
        ORDER BY (seen_at IS NULL), next_check_at LIMIT 1 ${skipLocked(this.db)})
      AND next_check_at <= ${now}
      RETURNING *`.execute(within(this.db))
    return rows[0] ? toOrder(rows[0]) : null
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

  /** Takes the next due refund (in `dueRefunds`' order) for one refund-query, as `claimNextOrder` does. */
  async claimNextRefund(now: number, leaseUntil: number): Promise<Refund | null> {
    const due = sql<number>`COALESCE(next_check_at, updated_at + ${FIRST_CHECK_AFTER_MS})`
    const { rows } = await sql<Selectable<Tables['pay_refunds']>>`
      UPDATE pay_refunds SET next_check_at = ${leaseUntil}
      WHERE refund_order_id = (
        SELECT refund_order_id FROM pay_refunds
        WHERE status = 'PENDING' AND ${due} <= ${now}
        ORDER BY ${due} LIMIT 1 ${skipLocked(this.db)})
      AND status = 'PENDING' AND ${due} <= ${now}
      RETURNING *`.execute(within(this.db))
    return rows[0] ? toRefund(rows[0]) : null
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
