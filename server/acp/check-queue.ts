import type { Db } from '../store/db.ts'

/** The tables whose PENDING rows wait for their next status query (`next_check_at`). */
export type CheckedTable = 'acp_orders' | 'nojump_orders' | 'preauth_orders'

/**
 * Rows whose next query is due, claimed for `leaseMs` (the lease moves `next_check_at` only if
 * nobody moved it first), so N instances never query one order together.
 */
export function claimDueRows(
  db: Db,
  table: CheckedTable,
  now: number,
  leaseMs: number,
  limit: number,
): Record<string, unknown>[] {
  const rows = db
    .prepare(
      `SELECT * FROM ${table} WHERE status = 'PENDING' AND next_check_at IS NOT NULL AND next_check_at <= ? ORDER BY next_check_at LIMIT ?`,
    )
    .all(now, limit) as Record<string, unknown>[]
  const claim = db.prepare(`UPDATE ${table} SET next_check_at = ? WHERE order_id = ? AND next_check_at = ?`)
  return rows.filter((r) => claim.run(now + leaseMs, r.order_id, r.next_check_at).changes === 1)
}

/** After a query left a row PENDING: one more check counted, the next one (or none: the reconciliation file decides). */
export function scheduleCheckRow(
  db: Db,
  table: CheckedTable,
  orderId: string,
  nextCheckAt: number | null,
  toFile: boolean,
  now: number,
): void {
  db.prepare(
    `UPDATE ${table} SET check_count = check_count + 1, next_check_at = ?, needs_reconciliation = ?, updated_at = ? WHERE order_id = ? AND status = 'PENDING'`,
  ).run(nextCheckAt, toFile ? 1 : 0, now, orderId)
}
