import { sql, type Selectable } from 'kysely'
import { within, type Db } from '../store/kysely-db.ts'
import type { Tables } from '../store/schema.ts'

/** The tables whose PENDING rows wait for their next status query (`next_check_at`). */
export type CheckedTable = 'acp_orders' | 'nojump_orders' | 'preauth_orders'
type CheckedRow<T extends CheckedTable> = T extends keyof Tables ? Selectable<Tables[T]> : Record<string, unknown>

/**
 * Rows whose next query is due, claimed for `leaseMs`: each claim is a compare-and-set on
 * `next_check_at`, so of N instances reading the same due row exactly one moves it; a lease that
 * is not renewed runs out and the row is due again.
 */
export async function claimDueRows<T extends CheckedTable>(
  db: Db,
  table: T,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<CheckedRow<T>[]> {
  const q = within(db)
  const { rows } = await sql<CheckedRow<T> & { order_id: string; next_check_at: number }>`
    SELECT * FROM ${sql.table(table)}
    WHERE status = 'PENDING' AND next_check_at IS NOT NULL AND next_check_at <= ${now}
    ORDER BY next_check_at LIMIT ${limit}`.execute(q)
  const claimed: CheckedRow<T>[] = []
  for (const r of rows) {
    const res = await sql`
      UPDATE ${sql.table(table)} SET next_check_at = ${now + leaseMs}
      WHERE order_id = ${r.order_id} AND next_check_at = ${r.next_check_at}`.execute(q)
    if (Number(res.numAffectedRows ?? 0) === 1) claimed.push(r)
  }
  return claimed
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
