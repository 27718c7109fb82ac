import type { Db } from '../../store/db.ts'
import type { Finding, FindingKind, LocalStatus } from './compare.ts'

/** One reconciled settle day. */
export interface ReconciliationSummary {
  settleDate: string
  fileName: string
  zmName: string
  fileSha256: string
  records: number
  fileAmount: number
  settleAmount: number
  feeAmount: number
  matched: number
  settled: number
  mismatches: number
  ranAt: number
}

export interface Reconciliation extends ReconciliationSummary {
  items: Finding[]
}

type Row = Record<string, unknown>
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

/** Reconciliation runs and their findings (migration 011). */
export class ReconcileRepo {
  constructor(private readonly db: Db) {}

  atomic<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  get(settleDate: string): Reconciliation | null {
    const r = this.db.prepare('SELECT * FROM acp_reconciliations WHERE settle_date = ?').get(settleDate) as
      Row | undefined
    if (!r) return null
    const items = (
      this.db
        .prepare('SELECT * FROM acp_reconciliation_items WHERE settle_date = ? ORDER BY id')
        .all(settleDate) as Row[]
    ).map(toFinding)
    return { ...toSummary(r), items }
  }

  list(limit = 60): ReconciliationSummary[] {
    return (
      this.db.prepare('SELECT * FROM acp_reconciliations ORDER BY settle_date DESC LIMIT ?').all(limit) as Row[]
    ).map(toSummary)
  }

  /** Records a run with its findings; false (nothing written) when the day was reconciled before. */
  insert(summary: ReconciliationSummary, items: readonly Finding[]): boolean {
    const s = summary
    const r = this.db
      .prepare(
        `INSERT OR IGNORE INTO acp_reconciliations (settle_date, file_name, zm_name, file_sha256, records, file_amount, settle_amount, fee_amount, matched, settled, mismatches, ran_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        s.settleDate,
        s.fileName,
        s.zmName,
        s.fileSha256,
        s.records,
        s.fileAmount,
        s.settleAmount,
        s.feeAmount,
        s.matched,
        s.settled,
        s.mismatches,
        s.ranAt,
      )
    if (r.changes !== 1) return false
    const add = this.db.prepare(
      `INSERT INTO acp_reconciliation_items (settle_date, kind, order_id, txn_type, source, local_amount, file_amount, local_status, query_id, acc_no_masked, file_line)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    for (const f of items)
      add.run(
        s.settleDate,
        f.kind,
        f.orderId,
        f.txnType,
        f.source,
        f.localAmount,
        f.fileAmount,
        f.localStatus,
        f.queryId,
        f.accNoMasked,
        f.line,
      )
    return true
  }
}
