import type { Db } from '../store/db.ts'
import type { Order, Refund } from './model.ts'
import { toOrder, toRefund, type Row } from './rows.ts'
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
  dueOrders(now: number, limit: number): Order[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM pay_orders WHERE next_check_at IS NOT NULL AND next_check_at <= ? ORDER BY (seen_at IS NULL), next_check_at LIMIT ?',
        )
        .all(now, limit) as Row[]
    ).map(toOrder)
  }

  /** Takes a due order: moves `next_check_at` to `leaseUntil` only if it still holds the value we read. */
  claimOrder(merOrderId: string, seenNextCheckAt: number, leaseUntil: number): boolean {
    return (
      this.db
        .prepare('UPDATE pay_orders SET next_check_at = ? WHERE mer_order_id = ? AND next_check_at = ?')
        .run(leaseUntil, merOrderId, seenNextCheckAt).changes === 1
    )
  }

  scheduleOrder(merOrderId: string, nextCheckAt: number | null, countUp: boolean): void {
    this.db
      .prepare('UPDATE pay_orders SET next_check_at = ?, check_count = check_count + ? WHERE mer_order_id = ?')
      .run(nextCheckAt, countUp ? 1 : 0, merOrderId)
  }

  /** PENDING refunds whose next refund-query is due, oldest due first (rows from before 005_refunds_division: 5 min after their last change). */
  dueRefunds(now: number, limit: number): Refund[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM pay_refunds WHERE status = 'PENDING' AND COALESCE(next_check_at, updated_at + ?) <= ?
           ORDER BY COALESCE(next_check_at, updated_at + ?) LIMIT ?`,
        )
        .all(FIRST_CHECK_AFTER_MS, now, FIRST_CHECK_AFTER_MS, limit) as Row[]
    ).map(toRefund)
  }

  /** Takes a due refund for one refund-query (a lease). */
  claimRefund(refundOrderId: string, leaseUntil: number): boolean {
    return (
      this.db
        .prepare(
          "UPDATE pay_refunds SET next_check_at = ? WHERE refund_order_id = ? AND status = 'PENDING' AND COALESCE(next_check_at, updated_at + ?) <= ?",
        )
        .run(leaseUntil, refundOrderId, FIRST_CHECK_AFTER_MS, this.clock()).changes === 1
    )
  }

  /** After a refund-query without a final answer: the next one after a growing gap (schedule.ts), or never. */
  scheduleRefund(refundOrderId: string, nextCheckAt: number | null): void {
    this.db
      .prepare(
        'UPDATE pay_refunds SET next_check_at = ?, check_count = check_count + 1, updated_at = ? WHERE refund_order_id = ?',
      )
      .run(nextCheckAt, this.clock(), refundOrderId)
  }
}
