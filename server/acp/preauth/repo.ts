import type { Db } from '../../store/db.ts'
import { claimDueRows, scheduleCheckRow } from '../check-queue.ts'

export type PreauthKind = 'hold' | 'hold_void' | 'completion' | 'completion_void'
export type PreauthStatus = 'PENDING' | 'SUCCESS' | 'FAILED' | 'VOIDED'

export interface PreauthOrder {
  orderId: string
  kind: PreauthKind
  bindingId: string
  openId: string
  txnTime: string
  amount: number
  status: PreauthStatus
  origOrderId: string | null
  queryId: string | null
  respCode: string | null
  respMsg: string | null
  checkCount: number
  nextCheckAt: number | null
  needsReconciliation: boolean
  createdAt: number
  updatedAt: number
  settledAt: number | null
}

export interface PreauthEvent {
  fromStatus: string | null
  toStatus: string
  source: string
  detail: string | null
  at: number
}

const MOVES: Record<PreauthStatus, readonly PreauthStatus[]> = {
  PENDING: ['SUCCESS', 'FAILED'],
  SUCCESS: ['VOIDED'],
  FAILED: [],
  VOIDED: [],
}

export class PreauthTransitionError extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`preauth order cannot move ${from} → ${to}`)
    this.name = 'PreauthTransitionError'
  }
}

type Row = Record<string, unknown>
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))

const toOrder = (r: Row): PreauthOrder => ({
  orderId: String(r.order_id),
  kind: r.kind as PreauthKind,
  bindingId: String(r.binding_id),
  openId: String(r.open_id),
  txnTime: String(r.txn_time),
  amount: Number(r.amount),
  status: r.status as PreauthStatus,
  origOrderId: str(r.orig_order_id),
  queryId: str(r.query_id),
  respCode: str(r.resp_code),
  respMsg: str(r.resp_msg),
  checkCount: Number(r.check_count),
  nextCheckAt: num(r.next_check_at),
  needsReconciliation: Number(r.needs_reconciliation) === 1,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  settledAt: num(r.settled_at),
})

/** Pre-authorisation records (migration 013): holds, their voids and completions, events. */
export class PreauthRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  atomic<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  get(orderId: string): PreauthOrder | null {
    const r = this.db.prepare('SELECT * FROM preauth_orders WHERE order_id = ?').get(orderId) as Row | undefined
    return r ? toOrder(r) : null
  }

  holdsOf(openId: string, limit = 20): PreauthOrder[] {
    return (
      this.db
        .prepare(
          "SELECT * FROM preauth_orders WHERE open_id = ? AND kind = 'hold' ORDER BY created_at DESC, order_id DESC LIMIT ?",
        )
        .all(openId, limit) as Row[]
    ).map(toOrder)
  }

  /** What acts on `orderId` (voids, completions), oldest first. */
  followUps(orderId: string): PreauthOrder[] {
    return (
      this.db
        .prepare('SELECT * FROM preauth_orders WHERE orig_order_id = ? ORDER BY created_at, order_id')
        .all(orderId) as Row[]
    ).map(toOrder)
  }

  sentBetween(from: string, to: string): PreauthOrder[] {
    return (
      this.db
        .prepare('SELECT * FROM preauth_orders WHERE txn_time >= ? AND txn_time < ? ORDER BY txn_time, order_id')
        .all(from, to) as Row[]
    ).map(toOrder)
  }

  events(orderId: string): PreauthEvent[] {
    return (this.db.prepare('SELECT * FROM preauth_events WHERE order_id = ? ORDER BY id').all(orderId) as Row[]).map(
      (r) => ({
        fromStatus: str(r.from_status),
        toStatus: String(r.to_status),
        source: String(r.source),
        detail: str(r.detail),
        at: Number(r.at),
      }),
    )
  }

  private event(orderId: string, from: string | null, to: string, source: string, detail: string | null): void {
    this.db
      .prepare(
        'INSERT INTO preauth_events (order_id, from_status, to_status, source, detail, at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(orderId, from, to, source, detail, this.clock())
  }

  insert(o: {
    orderId: string
    kind: PreauthKind
    bindingId: string
    openId: string
    txnTime: string
    amount: number
    origOrderId?: string
    nextCheckAt: number
  }): PreauthOrder {
    const now = this.clock()
    this.atomic(() => {
      this.db
        .prepare(
          `INSERT INTO preauth_orders (order_id, kind, binding_id, open_id, txn_time, amount, status, orig_order_id, next_check_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?)`,
        )
        .run(
          o.orderId,
          o.kind,
          o.bindingId,
          o.openId,
          o.txnTime,
          o.amount,
          o.origOrderId ?? null,
          o.nextCheckAt,
          now,
          now,
        )
      this.event(o.orderId, null, 'PENDING', o.kind, null)
    })
    return this.get(o.orderId) as PreauthOrder
  }

  /** Moves an order once (status-guarded; a repeated move answers false), with its event. */
  move(
    orderId: string,
    to: PreauthStatus,
    source: string,
    detail: string | null,
    facts: { queryId?: string; respCode?: string; respMsg?: string } = {},
  ): boolean {
    return this.atomic(() => {
      const cur = this.get(orderId)
      if (!cur) throw new Error(`no preauth order ${orderId}`)
      if (cur.status === to) return false
      if (!MOVES[cur.status].includes(to)) throw new PreauthTransitionError(cur.status, to)
      const now = this.clock()
      const r = this.db
        .prepare(
          `UPDATE preauth_orders SET status = ?, query_id = COALESCE(?, query_id), resp_code = COALESCE(?, resp_code),
             resp_msg = COALESCE(?, resp_msg), settled_at = COALESCE(settled_at, ?), next_check_at = NULL,
             needs_reconciliation = 0, updated_at = ? WHERE order_id = ? AND status = ?`,
        )
        .run(to, facts.queryId ?? null, facts.respCode ?? null, facts.respMsg ?? null, now, now, orderId, cur.status)
      if (r.changes !== 1) return false
      this.event(orderId, cur.status, to, source, detail)
      return true
    })
  }

  noteAnswer(orderId: string, respCode: string, respMsg: string): void {
    this.db
      .prepare('UPDATE preauth_orders SET resp_code = ?, resp_msg = ?, updated_at = ? WHERE order_id = ?')
      .run(respCode, respMsg, this.clock(), orderId)
  }

  /** Orders whose next query is due, claimed for `leaseMs` so that other instances skip them. */
  claimDue(now: number, leaseMs: number, limit = 20): PreauthOrder[] {
    return claimDueRows(this.db, 'preauth_orders', now, leaseMs, limit).map(toOrder)
  }

  scheduleCheck(orderId: string, nextCheckAt: number | null, needsReconciliation: boolean): void {
    scheduleCheckRow(this.db, 'preauth_orders', orderId, nextCheckAt, needsReconciliation, this.clock())
  }
}
