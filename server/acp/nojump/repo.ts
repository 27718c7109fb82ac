import type { Db } from '../../store/db.ts'

export type BindingStatus = 'OPENING' | 'ACTIVE' | 'FAILED' | 'REMOVED'
export type BindingVia = 'back' | 'front' | 'open_pay'

export interface Binding {
  id: string
  openId: string
  status: BindingStatus
  via: BindingVia
  token: string | null
  trId: string
  maskedPan: string | null
  tokenEnd: string | null
  openOrderId: string
  openTxnTime: string
  respCode: string | null
  respMsg: string | null
  createdAt: number
  updatedAt: number
}

export type NojumpKind = 'consume' | 'void' | 'refund' | 'preauth' | 'preauth_void' | 'completion' | 'completion_void'
export type NojumpStatus = 'DRAFT' | 'PENDING' | 'SUCCESS' | 'FAILED' | 'VOIDED' | 'REVERSED'

export interface NojumpOrder {
  orderId: string
  kind: NojumpKind
  bindingId: string | null
  openId: string | null
  txnTime: string
  amount: number
  status: NojumpStatus
  refundedAmount: number
  origOrderId: string | null
  queryId: string | null
  respCode: string | null
  respMsg: string | null
  description: string | null
  checkCount: number
  nextCheckAt: number | null
  needsReconciliation: boolean
  createdAt: number
  updatedAt: number
  settledAt: number | null
}

export interface NojumpEvent {
  fromStatus: string | null
  toStatus: string
  source: string
  detail: string | null
  at: number
}

const ORDER_MOVES: Record<NojumpStatus, readonly NojumpStatus[]> = {
  DRAFT: ['PENDING', 'FAILED'],
  PENDING: ['SUCCESS', 'FAILED', 'REVERSED'],
  SUCCESS: ['VOIDED'],
  FAILED: [],
  VOIDED: [],
  REVERSED: [],
}
const BINDING_MOVES: Record<BindingStatus, readonly BindingStatus[]> = {
  OPENING: ['ACTIVE', 'FAILED'],
  ACTIVE: ['REMOVED'],
  FAILED: [],
  REMOVED: [],
}

export class NojumpTransitionError extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`cannot move ${from} → ${to}`)
    this.name = 'NojumpTransitionError'
  }
}

type Row = Record<string, unknown>
const str = (v: unknown) => (v === null || v === undefined ? null : String(v))
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))

function toBinding(r: Row): Binding {
  return {
    id: String(r.id),
    openId: String(r.open_id),
    status: r.status as BindingStatus,
    via: r.via as BindingVia,
    token: str(r.token),
    trId: String(r.tr_id),
    maskedPan: str(r.masked_pan),
    tokenEnd: str(r.token_end),
    openOrderId: String(r.open_order_id),
    openTxnTime: String(r.open_txn_time),
    respCode: str(r.resp_code),
    respMsg: str(r.resp_msg),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }
}

function toOrder(r: Row): NojumpOrder {
  return {
    orderId: String(r.order_id),
    kind: r.kind as NojumpKind,
    bindingId: str(r.binding_id),
    openId: str(r.open_id),
    txnTime: String(r.txn_time),
    amount: Number(r.amount),
    status: r.status as NojumpStatus,
    refundedAmount: Number(r.refunded_amount),
    origOrderId: str(r.orig_order_id),
    queryId: str(r.query_id),
    respCode: str(r.resp_code),
    respMsg: str(r.resp_msg),
    description: str(r.description),
    checkCount: Number(r.check_count),
    nextCheckAt: num(r.next_check_at),
    needsReconciliation: Number(r.needs_reconciliation) === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    settledAt: num(r.settled_at),
  }
}

/** 无跳转 records: bindings (token + masked card), orders paid with a token, their events. */
export class NojumpRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  atomic<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  private event(subject: string, from: string | null, to: string, source: string, detail: string | null): void {
    this.db
      .prepare(
        'INSERT INTO nojump_events (subject, from_status, to_status, source, detail, at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(subject, from, to, source, detail, this.clock())
  }

  events(subject: string): NojumpEvent[] {
    return (this.db.prepare('SELECT * FROM nojump_events WHERE subject = ? ORDER BY id').all(subject) as Row[]).map(
      (r) => ({
        fromStatus: str(r.from_status),
        toStatus: String(r.to_status),
        source: String(r.source),
        detail: str(r.detail),
        at: Number(r.at),
      }),
    )
  }

  // --- bindings -------------------------------------------------------------------------------------

  binding(id: string): Binding | null {
    const r = this.db.prepare('SELECT * FROM nojump_bindings WHERE id = ?').get(id) as Row | undefined
    return r ? toBinding(r) : null
  }

  bindingByOpenOrder(orderId: string): Binding | null {
    const r = this.db.prepare('SELECT * FROM nojump_bindings WHERE open_order_id = ?').get(orderId) as Row | undefined
    return r ? toBinding(r) : null
  }

  bindingsOf(openId: string): Binding[] {
    return (
      this.db
        .prepare('SELECT * FROM nojump_bindings WHERE open_id = ? ORDER BY created_at DESC, id DESC LIMIT 50')
        .all(openId) as Row[]
    ).map(toBinding)
  }

  insertBinding(b: {
    id: string
    openId: string
    via: BindingVia
    trId: string
    maskedPan: string | null
    openOrderId: string
    openTxnTime: string
  }): Binding {
    const now = this.clock()
    this.atomic(() => {
      this.db
        .prepare(
          `INSERT INTO nojump_bindings (id, open_id, status, via, tr_id, masked_pan, open_order_id, open_txn_time, created_at, updated_at)
           VALUES (?, ?, 'OPENING', ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(b.id, b.openId, b.via, b.trId, b.maskedPan, b.openOrderId, b.openTxnTime, now, now)
      this.event(b.id, null, 'OPENING', b.via, null)
    })
    return this.binding(b.id) as Binding
  }

  /**
   * Moves a binding once (guarded by its current status; a repeated move changes nothing and
   * answers false), with what the gateway said, and its event row in the same transaction.
   */
  moveBinding(
    id: string,
    to: BindingStatus,
    source: string,
    facts: { token?: string; maskedPan?: string; tokenEnd?: string | null; respCode?: string; respMsg?: string } = {},
  ): boolean {
    return this.atomic(() => {
      const cur = this.binding(id)
      if (!cur) throw new Error(`no binding ${id}`)
      if (cur.status === to) return false
      if (!BINDING_MOVES[cur.status].includes(to)) throw new NojumpTransitionError(cur.status, to)
      const r = this.db
        .prepare(
          `UPDATE nojump_bindings SET status = ?, token = COALESCE(?, token), masked_pan = COALESCE(?, masked_pan),
             token_end = COALESCE(?, token_end), resp_code = COALESCE(?, resp_code), resp_msg = COALESCE(?, resp_msg), updated_at = ?
           WHERE id = ? AND status = ?`,
        )
        .run(
          to,
          facts.token ?? null,
          facts.maskedPan ?? null,
          facts.tokenEnd ?? null,
          facts.respCode ?? null,
          facts.respMsg ?? null,
          this.clock(),
          id,
          cur.status,
        )
      if (r.changes !== 1) return false
      this.event(id, cur.status, to, source, facts.respCode ? `${facts.respCode} ${facts.respMsg ?? ''}` : null)
      return true
    })
  }

  /** 更新标记: an active binding's token (and end date) replaced. */
  replaceToken(id: string, token: string, tokenEnd: string | null, source: string): void {
    this.atomic(() => {
      this.db
        .prepare(
          "UPDATE nojump_bindings SET token = ?, token_end = COALESCE(?, token_end), updated_at = ? WHERE id = ? AND status = 'ACTIVE'",
        )
        .run(token, tokenEnd, this.clock(), id)
      this.event(id, 'ACTIVE', 'ACTIVE', source, 'token updated')
    })
  }

  noteBindingAnswer(id: string, respCode: string, respMsg: string): void {
    this.db
      .prepare('UPDATE nojump_bindings SET resp_code = ?, resp_msg = ?, updated_at = ? WHERE id = ?')
      .run(respCode, respMsg, this.clock(), id)
  }

  // --- orders ---------------------------------------------------------------------------------------

  order(orderId: string): NojumpOrder | null {
    const r = this.db.prepare('SELECT * FROM nojump_orders WHERE order_id = ?').get(orderId) as Row | undefined
    return r ? toOrder(r) : null
  }

  ordersOf(openId: string, limit = 50): NojumpOrder[] {
    return (
      this.db
        .prepare(
          "SELECT * FROM nojump_orders WHERE open_id = ? AND kind = 'consume' AND status != 'DRAFT' ORDER BY created_at DESC, order_id DESC LIMIT ?",
        )
        .all(openId, limit) as Row[]
    ).map(toOrder)
  }

  reversalsOf(origOrderId: string): NojumpOrder[] {
    return (
      this.db
        .prepare('SELECT * FROM nojump_orders WHERE orig_order_id = ? ORDER BY created_at, order_id')
        .all(origOrderId) as Row[]
    ).map(toOrder)
  }

  /** Voids or refunds sent and not settled yet (they count against what is left). */
  pendingReversals(origOrderId: string, kind: 'refund' | 'any'): number {
    const r = this.db
      .prepare(
        `SELECT COALESCE(SUM(amount), 0) AS s FROM nojump_orders WHERE orig_order_id = ? AND status = 'PENDING'${kind === 'any' ? '' : " AND kind = 'refund'"}`,
      )
      .get(origOrderId) as Row
    return Number(r.s)
  }

  insertOrder(
    o: {
      orderId: string
      kind: NojumpKind
      status: 'DRAFT' | 'PENDING'
      txnTime: string
      amount: number
      bindingId?: string
      openId?: string
      origOrderId?: string
      description?: string
      nextCheckAt?: number
    },
    source: string,
  ): NojumpOrder {
    const now = this.clock()
    this.atomic(() => {
      this.db
        .prepare(
          `INSERT INTO nojump_orders (order_id, kind, binding_id, open_id, txn_time, amount, status, orig_order_id, description, next_check_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          o.orderId,
          o.kind,
          o.bindingId ?? null,
          o.openId ?? null,
          o.txnTime,
          o.amount,
          o.status,
          o.origOrderId ?? null,
          o.description ?? null,
          o.nextCheckAt ?? null,
          now,
          now,
        )
      this.event(o.orderId, null, o.status, source, null)
    })
    return this.order(o.orderId) as NojumpOrder
  }

  /** Moves an order once (status-guarded UPDATE + event row in one transaction); false when already there. */
  move(
    orderId: string,
    to: NojumpStatus,
    source: string,
    detail: string | null,
    facts: { queryId?: string; respCode?: string; respMsg?: string; nextCheckAt?: number } = {},
  ): boolean {
    return this.atomic(() => {
      const cur = this.order(orderId)
      if (!cur) throw new Error(`no nojump order ${orderId}`)
      if (cur.status === to) return false
      if (!ORDER_MOVES[cur.status].includes(to)) throw new NojumpTransitionError(cur.status, to)
      const now = this.clock()
      const final = to !== 'PENDING'
      const r = this.db
        .prepare(
          `UPDATE nojump_orders SET status = ?, query_id = COALESCE(?, query_id), resp_code = COALESCE(?, resp_code),
             resp_msg = COALESCE(?, resp_msg), settled_at = CASE WHEN ? THEN COALESCE(settled_at, ?) ELSE settled_at END,
             next_check_at = CASE WHEN ? THEN NULL ELSE COALESCE(?, next_check_at) END, updated_at = ?
           WHERE order_id = ? AND status = ?`,
        )
        .run(
          to,
          facts.queryId ?? null,
          facts.respCode ?? null,
          facts.respMsg ?? null,
          final ? 1 : 0,
          now,
          final ? 1 : 0,
          facts.nextCheckAt ?? null,
          now,
          orderId,
          cur.status,
        )
      if (r.changes !== 1) return false
      this.event(orderId, cur.status, to, source, detail)
      return true
    })
  }

  /** A settled refund adds to its consume's refunded amount (the CHECK caps it at the amount). */
  addRefunded(orderId: string, amount: number, refundOrderId: string): void {
    this.db
      .prepare('UPDATE nojump_orders SET refunded_amount = refunded_amount + ?, updated_at = ? WHERE order_id = ?')
      .run(amount, this.clock(), orderId)
    const cur = this.order(orderId) as NojumpOrder
    this.event(orderId, cur.status, cur.status, 'refund', `refunded ${amount} by ${refundOrderId}`)
  }

  noteAnswer(orderId: string, respCode: string, respMsg: string, detail?: string): void {
    this.atomic(() => {
      this.db
        .prepare('UPDATE nojump_orders SET resp_code = ?, resp_msg = ?, updated_at = ? WHERE order_id = ?')
        .run(respCode, respMsg, this.clock(), orderId)
      if (detail) {
        const cur = this.order(orderId) as NojumpOrder
        this.event(orderId, cur.status, cur.status, 'answer', detail)
      }
    })
  }

  /** Orders whose next query is due, claimed for `leaseMs` so that other instances skip them. */
  claimDue(now: number, leaseMs: number, limit = 20): NojumpOrder[] {
    const rows = (
      this.db
        .prepare(
          "SELECT * FROM nojump_orders WHERE status = 'PENDING' AND next_check_at IS NOT NULL AND next_check_at <= ? ORDER BY next_check_at LIMIT ?",
        )
        .all(now, limit) as Row[]
    ).map(toOrder)
    return rows.filter(
      (o) =>
        this.db
          .prepare('UPDATE nojump_orders SET next_check_at = ? WHERE order_id = ? AND next_check_at = ?')
          .run(now + leaseMs, o.orderId, o.nextCheckAt).changes === 1,
    )
  }

  scheduleCheck(orderId: string, nextCheckAt: number | null, needsReconciliation: boolean): void {
    this.db
      .prepare(
        "UPDATE nojump_orders SET check_count = check_count + 1, next_check_at = ?, needs_reconciliation = ?, updated_at = ? WHERE order_id = ? AND status = 'PENDING'",
      )
      .run(nextCheckAt, needsReconciliation ? 1 : 0, this.clock(), orderId)
  }
}
