import { atomically, lockKey, within, type Db } from '../../store/kysely-db.ts'
import type { ReconciliationSummaryView, ReconciliationView } from '../../../common/api.ts'
import type { Finding, FindingKind, LocalStatus } from './compare.ts'

export type ReconciliationSummary = ReconciliationSummaryView
export type Reconciliation = ReconciliationView

type Row = Record<string, unknown> // a row of either table, read by column name
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))

const toSummary = (r: Row): ReconciliationSummary => ({
  settleDate: String(r.settle_date),
  fileName: String(r.file_name),
  zmName: String(r.zm_name),
  fileSha256: String(r.file_sha256),
  records: Number(r.records),
  fileAmount: Number(r.file_amount),
  settleAmount: Number(r.settle_amount),
  feeAmount: Number(r.fee_amount),
  matched: Number(r.matched),
  settled: Number(r.settled),
  mismatches: Number(r.mismatches),
  ranAt: Number(r.ran_at),
})

const toFinding = (r: Row): Finding => ({
  kind: r.kind as FindingKind,
  orderId: String(r.order_id),
  txnType: String(r.txn_type),
  source: str(r.source),
  localAmount: num(r.local_amount),
  fileAmount: num(r.file_amount),
  localStatus: str(r.local_status) as LocalStatus | null,
  queryId: str(r.query_id),
  accNoMasked: str(r.acc_no_masked),
  line: num(r.file_line),
})

/** Reconciliation runs and their findings (migration 012), on SQLite or PostgreSQL. */
export class ReconcileRepo {
  constructor(private readonly db: Db) {}

  /** One transaction (nested calls join it). */
  atomic<T>(fn: () => Promise<T>): Promise<T> {
    return atomically(this.db, () => fn())
  }

  /** Inside `atomic`: one run per settle day at a time, across instances. */
  lockDay(settleDate: string): Promise<void> {
    return lockKey(within(this.db), `acp-reconcile:${settleDate}`)
  }

  async get(settleDate: string): Promise<Reconciliation | null> {
    const q = within(this.db)
    const r = await q
      .selectFrom('acp_reconciliations')
      .selectAll()
      .where('settle_date', '=', settleDate)
      .executeTakeFirst()
    if (!r) return null
    const items = await q
      .selectFrom('acp_reconciliation_items')
      .selectAll()
      .where('settle_date', '=', settleDate)
      .orderBy('id')
      .execute()
    return { ...toSummary(r), items: items.map(toFinding) }
  }

  async list(limit = 60): Promise<ReconciliationSummary[]> {
    const rows = await within(this.db)
      .selectFrom('acp_reconciliations')
      .selectAll()
      .orderBy('settle_date', 'desc')
      .limit(limit)
      .execute()
    return rows.map(toSummary)
  }

  /** Records a run with its findings; false (nothing written) when the day was reconciled before. */
  insert(s: ReconciliationSummary, items: readonly Finding[]): Promise<boolean> {
    return this.atomic(async () => {
      const q = within(this.db)
      const r = await q
        .insertInto('acp_reconciliations')
        .values({
          settle_date: s.settleDate,
          file_name: s.fileName,
          zm_name: s.zmName,
          file_sha256: s.fileSha256,
          records: s.records,
          file_amount: s.fileAmount,
          settle_amount: s.settleAmount,
          fee_amount: s.feeAmount,
          matched: s.matched,
          settled: s.settled,
          mismatches: s.mismatches,
          ran_at: s.ranAt,
        })
        .onConflict((oc) => oc.column('settle_date').doNothing())
        .executeTakeFirst()
      if (Number(r.numInsertedOrUpdatedRows ?? 0n) !== 1) return false
      for (const f of items)
        await q
          .insertInto('acp_reconciliation_items')
          .values({
            settle_date: s.settleDate,
            kind: f.kind,
            order_id: f.orderId,
            txn_type: f.txnType,
            source: f.source,
            local_amount: f.localAmount,
            file_amount: f.fileAmount,
            local_status: f.localStatus,
            query_id: f.queryId,
            acc_no_masked: f.accNoMasked,
            file_line: f.line,
          })
          .execute()
      return true
    })
  }
}
