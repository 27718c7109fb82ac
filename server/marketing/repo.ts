import { within, type Db } from '../store/kysely-db.ts'

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

/** The record of every 红包/抽奖 operation sent to the platform (SQLite or PostgreSQL). */
export class MarketingRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  async requested(transNumber: string, kind: MarketingKind, openId: string, amount: number | null): Promise<void> {
    const now = this.clock()
    await within(this.db)
      .insertInto('marketing_ops')
      .values({
        trans_number: transNumber,
        kind,
        open_id: openId,
        amount,
        status: 'requested',
        created_at: now,
        updated_at: now,
        result_json: null,
        failure: null,
      })
      .execute()
  }

  async done(transNumber: string, result: unknown): Promise<void> {
    await within(this.db)
      .updateTable('marketing_ops')
      .set({ status: 'done', result_json: JSON.stringify(result ?? null), updated_at: this.clock() })
      .where('trans_number', '=', transNumber)
      .where('status', '=', 'requested')
      .execute()
  }

  async failed(transNumber: string, failure: string): Promise<void> {
    await within(this.db)
      .updateTable('marketing_ops')
      .set({ status: 'failed', failure: failure.slice(0, 200), updated_at: this.clock() })
      .where('trans_number', '=', transNumber)
      .where('status', '=', 'requested')
      .execute()
  }

  async recent(openId: string, limit = 20): Promise<MarketingOp[]> {
    const rows = await within(this.db)
      .selectFrom('marketing_ops')
      .selectAll()
      .where('open_id', '=', openId)
      .orderBy('created_at', 'desc')
      .orderBy('rowid', 'desc')
      .limit(limit)
      .execute()
    return rows.map((r) => ({
      transNumber: r.trans_number,
      kind: r.kind,
      openId: r.open_id,
      amount: r.amount === null ? null : Number(r.amount),
      status: r.status,
      result: r.result_json ? (JSON.parse(r.result_json) as unknown) : null,
      failure: r.failure,
      createdAt: Number(r.created_at),
    }))
  }
}
