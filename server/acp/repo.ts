import type { Db } from '../store/db.ts'

export type AcpKind = 'tn' | 'contract' | 'void' | 'refund'
export type AcpStatus = 'PENDING' | 'SUCCESS' | 'FAILED' | 'VOIDED'

export interface AcpOrder {
  orderId: string
  kind: AcpKind
  txnTime: string
  amount: number
  status: AcpStatus
  refundedAmount: number
  origOrderId: string | null
  queryId: string | null
  respCode: string | null
  respMsg: string | null
  payOrderId: string | null
  openId: string | null
  contractId: string | null
  planId: string | null
  idempotencyKey: string | null
  description: string | null
  checkCount: number
  nextCheckAt: number | null
  needsReconciliation: boolean
  createdAt: number
  updatedAt: number
  settledAt: number | null
}

export interface NewAcpOrder {
  orderId: string
  kind: AcpKind
  txnTime: string
  amount: number
  origOrderId?: string
  payOrderId?: string
  openId?: string
  contractId?: string
  planId?: string
  idempotencyKey?: string
  description?: string
  nextCheckAt?: number
}

export interface AcpEvent {
  fromStatus: string | null
  toStatus: string
  source: string
  detail: string | null
  at: number
}

const MOVES: Record<AcpStatus, readonly AcpStatus[]> = {
  PENDING: ['SUCCESS', 'FAILED'],
  SUCCESS: ['VOIDED'],
  FAILED: [],
  VOIDED: [],
}

export class AcpTransitionError extends Error {
  constructor(
    readonly from: AcpStatus,
    readonly to: AcpStatus,
  ) {
    super(`acp order cannot move ${from} → ${to}`)
    this.name = 'AcpTransitionError'
  }
}

type Row = Record<string, unknown>
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))

function toOrder(r: Row): AcpOrder {
  return {
    orderId: String(r.order_id),
    kind: r.kind as AcpKind,
    txnTime: String(r.txn_time),
    amount: Number(r.amount),
    status: r.status as AcpStatus,
    refundedAmount: Number(r.refunded_amount),
    origOrderId: str(r.orig_order_id),
    queryId: str(r.query_id),
    respCode: str(r.resp_code),
    respMsg: str(r.resp_msg),
    payOrderId: str(r.pay_order_id),
    openId: str(r.open_id),
    contractId: str(r.contract_id),
    planId: str(r.plan_id),
    idempotencyKey: str(r.idempotency_key),
    description: str(r.description),
    checkCount: Number(r.check_count),
    nextCheckAt: num(r.next_check_at),
    needsReconciliation: Number(r.needs_reconciliation) === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    settledAt: num(r.settled_at),
  }
}

/** 全渠道 records: orders (consumes, voids, refunds), their events, verified notifications. */
export class AcpRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  atomic<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  get(orderId: string): AcpOrder | null {
    const r = this.db.prepare('SELECT * FROM acp_orders WHERE order_id = ?').get(orderId) as Row | undefined
    return r ? toOrder(r) : null
  }

  byIdempotencyKey(key: string): AcpOrder | null {
    const r = this.db.prepare('SELECT * FROM acp_orders WHERE idempotency_key = ?').get(key) as Row | undefined
    return r ? toOrder(r) : null
  }

  reversalsOf(origOrderId: string): AcpOrder[] {
    return (
      this.db
        .prepare('SELECT * FROM acp_orders WHERE orig_order_id = ? ORDER BY created_at, order_id')
        .all(origOrderId) as Row[]
    ).map(toOrder)
  }

  listByOpenId(openId: string, limit = 50): AcpOrder[] {
    return (
      this.db
        .prepare("SELECT * FROM acp_orders WHERE open_id = ? AND kind = 'contract' ORDER BY created_at DESC LIMIT ?")
        .all(openId, limit) as Row[]
    ).map(toOrder)
  }

  listConsumes(limit = 100): AcpOrder[] {
    return (
      this.db
        .prepare("SELECT * FROM acp_orders WHERE kind IN ('tn', 'contract') ORDER BY created_at DESC LIMIT ?")
        .all(limit) as Row[]
    ).map(toOrder)
  }

  /**
   * Orders sent in `[from, to)` (txnTime strings), plus tn consumes still PENDING sent in
   * `[laterFrom, from)` (the buyer may pay after the cut-off): the reconciliation's candidates.
   */
  sentBetween(from: string, to: string, laterFrom: string): AcpOrder[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM acp_orders WHERE (txn_time >= ? AND txn_time < ?)
             OR (kind = 'tn' AND status = 'PENDING' AND txn_time >= ? AND txn_time < ?) ORDER BY txn_time, order_id`,
        )
        .all(from, to, laterFrom, from) as Row[]
    ).map(toOrder)
  }

  events(orderId: string): AcpEvent[] {
    return (this.db.prepare('SELECT * FROM acp_events WHERE order_id = ? ORDER BY id').all(orderId) as Row[]).map(
      (r) => ({
        fromStatus: str(r.from_status),
        toStatus: String(r.to_status),
        source: String(r.source),
        detail: str(r.detail),
        at: Number(r.at),
      }),
    )
  }

  /** What a contract has been charged (pending or done) since `since` (ms). */
  chargedSince(contractId: string, since: number): number {
    const r = this.db
      .prepare(
        "SELECT COALESCE(SUM(amount), 0) AS s FROM acp_orders WHERE kind = 'contract' AND contract_id = ? AND status IN ('PENDING', 'SUCCESS') AND created_at >= ?",
      )
      .get(contractId, since) as Row
    return Number(r.s)
  }

  pendingReversals(origOrderId: string, kind: 'void' | 'refund' | 'any'): number {
    const r = this.db
      .prepare(
        `SELECT COALESCE(SUM(amount), 0) AS s FROM acp_orders WHERE orig_order_id = ? AND status = 'PENDING'${kind === 'any' ? '' : ' AND kind = ?'}`,
      )
      .get(...(kind === 'any' ? [origOrderId] : [origOrderId, kind])) as Row
    return Number(r.s)
  }

  insert(o: NewAcpOrder, source: string): AcpOrder {
    const now = this.clock()
    this.atomic(() => {
      this.db
        .prepare(
          `INSERT INTO acp_orders (order_id, kind, txn_time, amount, status, orig_order_id, pay_order_id, open_id, contract_id, plan_id, idempotency_key, description, next_check_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          o.orderId,
          o.kind,
          o.txnTime,
          o.amount,
          o.origOrderId ?? null,
          o.payOrderId ?? null,
          o.openId ?? null,
          o.contractId ?? null,
          o.planId ?? null,
          o.idempotencyKey ?? null,
          o.description ?? null,
          o.nextCheckAt ?? null,
          now,
          now,
        )
      this.event(o.orderId, null, 'PENDING', source, null, now)
    })
    return this.get(o.orderId) as AcpOrder
  }

  private event(
    orderId: string,
    from: string | null,
    to: string,
    source: string,
    detail: string | null,
    at: number,
  ): void {
    this.db
      .prepare(
        'INSERT INTO acp_events (order_id, from_status, to_status, source, detail, at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(orderId, from, to, source, detail, at)
  }

  /**
   * Moves an order once: the UPDATE only matches the expected current status, so a concurrent or
   * repeated move changes nothing and returns false. The event row is written in the same transaction.
   */
  transition(
    orderId: string,
    to: AcpStatus,
    source: string,
    detail: string | null,
    facts: { queryId?: string; respCode?: string; respMsg?: string } = {},
  ): boolean {
    return this.atomic(() => {
      const cur = this.get(orderId)
      if (!cur) throw new Error(`no acp order ${orderId}`)
      if (cur.status === to) return false
      if (!MOVES[cur.status].includes(to)) throw new AcpTransitionError(cur.status, to)
      const now = this.clock()
      const settled = to !== 'PENDING'
      const r = this.db
        .prepare(
          `UPDATE acp_orders SET status = ?, query_id = COALESCE(?, query_id), resp_code = COALESCE(?, resp_code), resp_msg = COALESCE(?, resp_msg),
             settled_at = CASE WHEN ? THEN COALESCE(settled_at, ?) ELSE settled_at END,
             next_check_at = CASE WHEN ? = 'SUCCESS' OR ? = 'FAILED' THEN NULL ELSE next_check_at END,
             needs_reconciliation = CASE WHEN ? = 'SUCCESS' OR ? = 'FAILED' THEN 0 ELSE needs_reconciliation END, updated_at = ?
           WHERE order_id = ? AND status = ?`,
        )
        .run(
          to,
          facts.queryId ?? null,
          facts.respCode ?? null,
          facts.respMsg ?? null,
          settled ? 1 : 0,
          now,
          to,
          to,
          to,
          to,
          now,
          orderId,
          cur.status,
        )
      if (r.changes !== 1) return false
      this.event(orderId, cur.status, to, source, detail, now)
      return true
    })
  }

  /** A settled refund adds to its consume's refunded amount (the CHECK caps it at the amount). */
  addRefunded(orderId: string, amount: number, refundOrderId: string): void {
    const now = this.clock()
    this.db
      .prepare('UPDATE acp_orders SET refunded_amount = refunded_amount + ?, updated_at = ? WHERE order_id = ?')
      .run(amount, now, orderId)
    const cur = this.get(orderId) as AcpOrder
    this.event(orderId, cur.status, cur.status, 'refund', `refunded ${amount} by ${refundOrderId}`, now)
  }

  noteAnswer(orderId: string, respCode: string, respMsg: string): void {
    this.db
      .prepare('UPDATE acp_orders SET resp_code = ?, resp_msg = ?, updated_at = ? WHERE order_id = ?')
      .run(respCode, respMsg, this.clock(), orderId)
  }

  /** Orders whose next query is due, claimed for `leaseMs` so that other instances skip them. */
  claimDue(now: number, leaseMs: number, limit = 20): AcpOrder[] {
    const rows = (
      this.db
        .prepare(
          "SELECT * FROM acp_orders WHERE status = 'PENDING' AND next_check_at IS NOT NULL AND next_check_at <= ? ORDER BY next_check_at LIMIT ?",
        )
        .all(now, limit) as Row[]
    ).map(toOrder)
    return rows.filter(
      (o) =>
        this.db
          .prepare('UPDATE acp_orders SET next_check_at = ? WHERE order_id = ? AND next_check_at = ?')
          .run(now + leaseMs, o.orderId, o.nextCheckAt).changes === 1,
    )
  }

  scheduleCheck(orderId: string, nextCheckAt: number | null, needsReconciliation: boolean): void {
    this.db
      .prepare(
        "UPDATE acp_orders SET check_count = check_count + 1, next_check_at = ?, needs_reconciliation = ?, updated_at = ? WHERE order_id = ? AND status = 'PENDING'",
      )
      .run(nextCheckAt, needsReconciliation ? 1 : 0, this.clock(), orderId)
  }

  /** Stores a verified notification once; false when the same one was stored before. */
  recordNotification(n: {
    signatureHash: string
    orderId: string
    txnType: string
    respCode: string
    outcome: string
    params: string
  }): boolean {
    const r = this.db
      .prepare(
        'INSERT OR IGNORE INTO acp_notifications (signature_hash, order_id, txn_type, resp_code, outcome, params, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(n.signatureHash, n.orderId, n.txnType, n.respCode, n.outcome, n.params, this.clock())
    return r.changes === 1
  }

  setNotificationOutcome(signatureHash: string, outcome: string): void {
    this.db.prepare('UPDATE acp_notifications SET outcome = ? WHERE signature_hash = ?').run(outcome, signatureHash)
  }

  notificationCount(orderId: string): number {
    return Number(
      (this.db.prepare('SELECT COUNT(*) AS n FROM acp_notifications WHERE order_id = ?').get(orderId) as Row).n,
    )
  }

  /** Signed 无感支付 contracts (read from the contract feature's table) for the merchant page. */
  signedContracts(appId: string, limit = 50): { contractId: string; planId: string; openId: string }[] {
    return (
      this.db
        .prepare(
          "SELECT contract_id, plan_id, open_id FROM contracts WHERE app_id = ? AND status = 'signed' AND contract_id IS NOT NULL ORDER BY signed_at DESC LIMIT ?",
        )
        .all(appId, limit) as Row[]
    ).map((r) => ({ contractId: String(r.contract_id), planId: String(r.plan_id), openId: String(r.open_id) }))
  }

  signedContract(appId: string, contractId: string): { contractId: string; planId: string; openId: string } | null {
    const r = this.db
      .prepare(
        "SELECT contract_id, plan_id, open_id FROM contracts WHERE app_id = ? AND contract_id = ? AND status = 'signed'",
      )
      .get(appId, contractId) as Row | undefined
    return r ? { contractId: String(r.contract_id), planId: String(r.plan_id), openId: String(r.open_id) } : null
  }
}
