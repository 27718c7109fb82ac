import { sql, type Selectable } from 'kysely'
import { locksRows, within, type Db } from '../store/kysely-db.ts'
import type { Tables } from '../store/schema.ts'

/** The tables whose PENDING rows wait for their next status query (`next_check_at`). */
export type CheckedTable = 'acp_orders' | 'nojump_orders' | 'preauth_orders'
type CheckedRow<T extends CheckedTable> = T extends keyof Tables ? Selectable<Tables[T]> : Record<string, unknown>

/**
 * The next due row, claimed for `leaseMs` in one statement: on PostgreSQL the candidate is picked
 * `FOR UPDATE SKIP LOCKED` (N instances claiming at once each get a different row), on SQLite the
 * statement runs under the single writer lock. Claim one, query it, claim the next: a lease then
 * only has to outlast one query, and a crashed holder keeps one row for one lease at most.
 */
export async function claimNextRow<T extends CheckedTable>(
  db: Db,
  table: T,
  now: number,
  leaseMs: number,
): Promise<CheckedRow<T> | null> {
  const skipLocked = locksRows(db) ? sql`FOR UPDATE SKIP LOCKED` : sql``
  const { rows } = await sql<CheckedRow<T>>`
    UPDATE ${sql.table(table)} SET next_check_at = ${now + leaseMs}
    WHERE order_id = (
      SELECT order_id FROM ${sql.table(table)}
      WHERE status = 'PENDING' AND next_check_at IS NOT NULL AND next_check_at <= ${now}
      ORDER BY next_check_at LIMIT 1 ${skipLocked})
    AND status = 'PENDING' AND next_check_at <= ${now}
    RETURNING *`.execute(within(db))
  return rows[0] ?? null
}

/** After a query left a row PENDING: one more check counted, the next one (or none: the reconciliation file decides). */
export async function scheduleCheckRow(
  db: Db,
  table: CheckedTable,
  orderId: string,
  nextCheckAt: number | null,
  toFile: boolean,
  now: number,
): Promise<void> {
  await sql`
    UPDATE ${sql.table(table)}
    SET check_count = check_count + 1, next_check_at = ${nextCheckAt}, needs_reconciliation = ${toFile ? 1 : 0}, updated_at = ${now}
    WHERE order_id = ${orderId} AND status = 'PENDING'`.execute(within(db))
}
