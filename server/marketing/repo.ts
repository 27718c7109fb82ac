import type { Db } from '../store/db.ts'

export type MarketingKind = 'give' | 'grant' | 'draw'

export interface MarketingOp {
  transNumber: string
  kind: MarketingKind
  openId: string
  amount: number | null
  status: 'requested' | 'done' | 'failed'
  result: unknown
  failure: string | null
  createdAt: number
}

interface Row {
  trans_number: string
  kind: MarketingKind
  open_id: string
  amount: number | null
  status: MarketingOp['status']
  result_json: string | null
  failure: string | null
  created_at: number
}

/** The record of every 红包/抽奖 operation sent to the platform. */
export class MarketingRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  requested(transNumber: string, kind: MarketingKind, openId: string, amount: number | null): void {
    const now = this.clock()
    this.db
      .prepare(
        `INSERT INTO marketing_ops (trans_number, kind, open_id, amount, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'requested', ?, ?)`,
      )
      .run(transNumber, kind, openId, amount, now, now)
  }

  done(transNumber: string, result: unknown): void {
    this.db
      .prepare(
        `UPDATE marketing_ops SET status = 'done', result_json = ?, updated_at = ? WHERE trans_number = ? AND status = 'requested'`,
      )
      .run(JSON.stringify(result ?? null), this.clock(), transNumber)
  }

  failed(transNumber: string, failure: string): void {
    this.db
      .prepare(
        `UPDATE marketing_ops SET status = 'failed', failure = ?, updated_at = ? WHERE trans_number = ? AND status = 'requested'`,
      )
      .run(failure.slice(0, 200), this.clock(), transNumber)
  }

  recent(openId: string, limit = 20): MarketingOp[] {
    const rows = this.db
      .prepare('SELECT * FROM marketing_ops WHERE open_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
      .all(openId, limit) as Row[]
    return rows.map((r) => ({
      transNumber: r.trans_number,
      kind: r.kind,
      openId: r.open_id,
      amount: r.amount,
      status: r.status,
      result: r.result_json ? (JSON.parse(r.result_json) as unknown) : null,
      failure: r.failure,
      createdAt: r.created_at,
    }))
  }
}
