import type { Db } from '../store/db.ts'
import { FIRST_CHECK_AFTER_MS } from './schedule.ts'
import { canMove, isOrderStatus, PENDING_STATUSES, type OrderStatus } from './status.ts'

export type OrderKind = 'h5' | 'tn'
export type SecureStatus = 'UNCOMPLETED' | 'PARTLY_COMPLETED' | 'ALL_COMPLETED' | 'CANCELED'

export interface Order {
  merOrderId: string
  kind: OrderKind
  channel: string
  instMid: string
  amount: number
  refundedAmount: number
  status: OrderStatus
  secure: boolean
  /** 担保交易 (seed 2.3): null until paid and completed/cancelled through us. */
  secureStatus: SecureStatus | null
  /** 分 settled to the merchant by 担保完成 (the rest went back to the buyer). */
  completedAmount: number | null
  description: string | null
  division: unknown
  tn: string | null
  targetOrderId: string | null
  targetSys: string | null
  payTime: string | null
  expiresAt: number | null
  notifiedAt: number | null
  nextCheckAt: number | null
  checkCount: number
  createdAt: number
  updatedAt: number
}

/** The split of a refund of a divided (分账) order (seed 1.3: platformAmount + one sub-merchant). */
export interface RefundDivision {
  platformAmount: number
  subOrders: Array<{ mid: string; totalAmount: number }>
}

/** What a divided order was split into (stored on the order). */
export interface OrderDivision {
  platformAmount: number
  /** The seed's subOrders, when the split was given that way. */
  subOrders: Array<{ mid: string; totalAmount: number }> | null
  /** Sub-merchants named in goods, when the split was given by goods (shares are then proportional). */
  goodsMids?: string[]
}

export interface Refund {
  refundOrderId: string
  merOrderId: string
  amount: number
  status: 'PENDING' | 'SUCCESS' | 'FAILED'
  description: string | null
  errCode: string | null
  division: RefundDivision | null
  checkCount: number
  nextCheckAt: number | null
  createdAt: number
  updatedAt: number
}

export interface OrderEvent {
  fromStatus: OrderStatus | null
  toStatus: OrderStatus
  source: string
  detail: string | null
  at: number
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly merOrderId: string,
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`order ${merOrderId}: ${from} → ${to} is not allowed`)
    this.name = 'IllegalTransitionError'
  }
}

export class RefundRefusedError extends Error {
  constructor(
    readonly code: 'NO_ORDER' | 'NOT_PAID' | 'EXCEEDS_AMOUNT' | 'EXCEEDS_SHARE' | 'REFUND_ID_CONFLICT',
    message: string,
  ) {
    super(message)
    this.name = 'RefundRefusedError'
  }
}

type Row = Record<string, unknown>

/** What can still go back by refunds: after a 担保完成 only the completed part was settled (the rest already went back). */
export function refundCap(o: Order): number {
  return o.secure && o.completedAmount !== null ? o.completedAmount : o.amount
}

function toOrder(r: Row): Order {
  const status = r.status
  if (!isOrderStatus(status)) throw new Error(`corrupt order status ${String(status)}`)
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v))
  return {
    merOrderId: String(r.mer_order_id),
    kind: r.kind === 'tn' ? 'tn' : 'h5',
    channel: String(r.channel),
    instMid: String(r.inst_mid),
    amount: Number(r.amount),
    refundedAmount: Number(r.refunded_amount),
    status,
    secure: r.secure === 1,
    secureStatus: r.secure_status === null || r.secure_status === undefined ? null : (String(r.secure_status) as SecureStatus),
    completedAmount: n(r.completed_amount),
    description: s(r.description),
    division: r.division_json ? (JSON.parse(String(r.division_json)) as unknown) : null,
    tn: s(r.tn),
    targetOrderId: s(r.target_order_id),
    targetSys: s(r.target_sys),
    payTime: s(r.pay_time),
    expiresAt: n(r.expires_at),
    notifiedAt: n(r.notified_at),
    nextCheckAt: n(r.next_check_at),
    checkCount: Number(r.check_count),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }
}

function toRefund(r: Row): Refund {
  return {
    refundOrderId: String(r.refund_order_id),
    merOrderId: String(r.mer_order_id),
    amount: Number(r.amount),
    status: r.status as Refund['status'],
    description: r.description === null ? null : String(r.description),
    errCode: r.err_code === null ? null : String(r.err_code),
    division: r.division_json ? (JSON.parse(String(r.division_json)) as RefundDivision) : null,
    checkCount: Number(r.check_count ?? 0),
    nextCheckAt: r.next_check_at === null || r.next_check_at === undefined ? null : Number(r.next_check_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }
}

export interface NewOrder {
  merOrderId: string
  kind: OrderKind
  channel: string
  instMid: string
  amount: number
  secure?: boolean
  description?: string
  division?: unknown
  expiresAt?: number
  nextCheckAt: number
}

/** Facts learnt from a notify or a query, stored alongside a transition. */
export interface PaymentFacts {
  targetOrderId?: string
  targetSys?: string
  payTime?: string
}

/**
 * The order record store (SQLite). Every write is one `BEGIN IMMEDIATE` transaction, so a
 * status change, its event row and any related row (notify, refund) commit together or not at all.
 */
export class OrderStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  /** Runs several store calls as one transaction (nested calls become savepoints). */
  atomic<T>(fn: () => T): T {
    return this.tx(fn)
  }

  create(o: NewOrder): Order {
    const now = this.clock()
    return this.tx(() => {
      this.db
        .prepare(
          `INSERT INTO pay_orders (mer_order_id, kind, channel, inst_mid, amount, status, secure, description, division_json,
             expires_at, next_check_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'NEW_ORDER', ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          o.merOrderId,
          o.kind,
          o.channel,
          o.instMid,
          o.amount,
          o.secure ? 1 : 0,
          o.description ?? null,
          o.division === undefined ? null : JSON.stringify(o.division),
          o.expiresAt ?? null,
          o.nextCheckAt,
          now,
          now,
        )
      this.event(o.merOrderId, null, 'NEW_ORDER', 'create', null, now)
      return this.mustGet(o.merOrderId)
    })
  }

  get(merOrderId: string): Order | null {
    const r = this.db.prepare('SELECT * FROM pay_orders WHERE mer_order_id = ?').get(merOrderId) as Row | undefined
    return r ? toOrder(r) : null
  }

  private mustGet(merOrderId: string): Order {
    const o = this.get(merOrderId)
    if (!o) throw new Error(`order ${merOrderId} vanished`)
    return o
  }

  list(limit = 50): Order[] {
    return (this.db.prepare('SELECT * FROM pay_orders ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as Row[]).map(toOrder)
  }

  events(merOrderId: string): OrderEvent[] {
    return (
      this.db.prepare('SELECT * FROM pay_order_events WHERE mer_order_id = ? ORDER BY id').all(merOrderId) as Row[]
    ).map((r) => ({
      fromStatus: isOrderStatus(r.from_status) ? r.from_status : null,
      toStatus: r.to_status as OrderStatus,
      source: String(r.source),
      detail: r.detail === null ? null : String(r.detail),
      at: Number(r.at),
    }))
  }

  /**
   * Records a 担保完成 (completedAmount settled, the rest returned to the buyer) as one event row
   * with the new secureStatus, in one transaction. Returns the order after.
   */
  recordSecureComplete(merOrderId: string, secureStatus: SecureStatus, completedAmount: number): Order {
    return this.tx(() => {
      const o = this.mustGet(merOrderId)
      const now = this.clock()
      this.db
        .prepare('UPDATE pay_orders SET secure_status = ?, completed_amount = ?, updated_at = ? WHERE mer_order_id = ?')
        .run(secureStatus, completedAmount, now, merOrderId)
      this.event(merOrderId, o.status, o.status, 'secure-complete', `completed ${completedAmount}, returned ${o.amount - completedAmount}`, now)
      return this.mustGet(merOrderId)
    })
  }

  /** 担保撤销: everything back to the buyer, the order closed — one transaction. */
  recordSecureCancel(merOrderId: string): Order {
    return this.tx(() => {
      const o = this.mustGet(merOrderId)
      this.db.prepare("UPDATE pay_orders SET secure_status = 'CANCELED', completed_amount = 0 WHERE mer_order_id = ?").run(merOrderId)
      this.moveIn(o, 'TRADE_CLOSED', 'secure-cancel', `returned ${o.amount}`)
      return this.mustGet(merOrderId)
    })
  }

  setTn(merOrderId: string, tn: string): void {
    this.db.prepare('UPDATE pay_orders SET tn = ?, updated_at = ? WHERE mer_order_id = ?').run(tn, this.clock(), merOrderId)
  }

  private event(merOrderId: string, from: OrderStatus | null, to: OrderStatus, source: string, detail: string | null, at: number) {
    this.db
      .prepare('INSERT INTO pay_order_events (mer_order_id, from_status, to_status, source, detail, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(merOrderId, from, to, source, detail, at)
  }

  /** Inside a transaction: moves the order, or throws IllegalTransitionError. Same status = no-op (returns false). */
  private moveIn(o: Order, to: OrderStatus, source: string, detail: string | null, facts: PaymentFacts = {}): boolean {
    if (o.status === to && to !== 'TRADE_REFUND') return false
    if (!canMove(o.status, to)) throw new IllegalTransitionError(o.merOrderId, o.status, to)
    const now = this.clock()
    const settled = !PENDING_STATUSES.has(to)
    this.db
      .prepare(
        `UPDATE pay_orders SET status = ?, updated_at = ?,
           target_order_id = COALESCE(?, target_order_id), target_sys = COALESCE(?, target_sys), pay_time = COALESCE(?, pay_time),
           next_check_at = CASE WHEN ? THEN NULL ELSE next_check_at END
         WHERE mer_order_id = ?`,
      )
      .run(to, now, facts.targetOrderId ?? null, facts.targetSys ?? null, facts.payTime ?? null, settled ? 1 : 0, o.merOrderId)
    this.event(o.merOrderId, o.status, to, source, detail, now)
    return true
  }

  /** Moves an order in its own transaction. Returns the order after, and whether it changed. */
  transition(merOrderId: string, to: OrderStatus, source: string, detail?: string, facts?: PaymentFacts): { order: Order; changed: boolean } {
    return this.tx(() => {
      const o = this.get(merOrderId)
      if (!o) throw new Error(`no order ${merOrderId}`)
      const changed = this.moveIn(o, to, source, detail ?? null, facts)
      return { order: this.mustGet(merOrderId), changed }
    })
  }

  /**
   * Applies a verified notify once: records `notifyId` and the status change together. A
   * notifyId seen before → 'duplicate'; an illegal move (a stale notify) → 'stale', recorded
   * so it is not re-examined.
   */
  applyNotify(
    notifyId: string,
    merOrderId: string,
    to: OrderStatus | null,
    facts: PaymentFacts,
  ): 'applied' | 'unchanged' | 'duplicate' | 'stale' | 'no_order' {
    return this.tx(() => {
      const o = this.get(merOrderId)
      if (!o) return 'no_order'
      const now = this.clock()
      const ins = this.db
        .prepare('INSERT OR IGNORE INTO pay_notifies (notify_id, mer_order_id, status, outcome, received_at) VALUES (?, ?, ?, ?, ?)')
        .run(notifyId, merOrderId, to, 'pending', now)
      if (ins.changes === 0) return 'duplicate'
      let outcome: 'applied' | 'unchanged' | 'stale' = 'unchanged'
      if (to) {
        if (o.status === to) outcome = 'unchanged'
        else if (canMove(o.status, to)) {
          this.moveIn(o, to, 'notify', `notifyId=${notifyId}`, facts)
          outcome = 'applied'
        } else outcome = 'stale'
      }
      this.db.prepare('UPDATE pay_orders SET notified_at = ? WHERE mer_order_id = ?').run(now, merOrderId)
      this.db.prepare('UPDATE pay_notifies SET outcome = ? WHERE notify_id = ?').run(outcome, notifyId)
      return outcome
    })
  }

  /** Orders due for a status query (reconciliation), oldest due first. */
  due(now: number, limit: number): Order[] {
    return (
      this.db
        .prepare('SELECT * FROM pay_orders WHERE next_check_at IS NOT NULL AND next_check_at <= ? ORDER BY next_check_at LIMIT ?')
        .all(now, limit) as Row[]
    ).map(toOrder)
  }

  /**
   * Takes a due order for one query: moves `next_check_at` to `leaseUntil` only if it still
   * holds the value we read, so two server instances never query the same order at once.
   */
  claimCheck(merOrderId: string, seenNextCheckAt: number, leaseUntil: number): boolean {
    return (
      this.db
        .prepare('UPDATE pay_orders SET next_check_at = ? WHERE mer_order_id = ? AND next_check_at = ?')
        .run(leaseUntil, merOrderId, seenNextCheckAt).changes === 1
    )
  }

  scheduleCheck(merOrderId: string, nextCheckAt: number | null, countUp: boolean): void {
    this.db
      .prepare('UPDATE pay_orders SET next_check_at = ?, check_count = check_count + ? WHERE mer_order_id = ?')
      .run(nextCheckAt, countUp ? 1 : 0, merOrderId)
  }

  // --- refunds -------------------------------------------------------------------------------

  getRefund(refundOrderId: string): Refund | null {
    const r = this.db.prepare('SELECT * FROM pay_refunds WHERE refund_order_id = ?').get(refundOrderId) as Row | undefined
    return r ? toRefund(r) : null
  }

  refunds(merOrderId: string): Refund[] {
    return (this.db.prepare('SELECT * FROM pay_refunds WHERE mer_order_id = ? ORDER BY created_at, rowid').all(merOrderId) as Row[]).map(
      toRefund,
    )
  }

  /**
   * Reserves a refund before calling 银商: the order must be paid and the refunds not failed
   * (pending ones included) must not exceed the amount; for a divided order, nor may the
   * platform share or any sub-merchant's share. An existing refundOrderId for the same order and
   * amount is returned as is (idempotent retry); otherwise it is a conflict.
   */
  reserveRefund(
    merOrderId: string,
    refundOrderId: string,
    amount: number,
    description?: string,
    division?: RefundDivision,
  ): { refund: Refund; existing: boolean } {
    return this.tx(() => {
      const existing = this.getRefund(refundOrderId)
      if (existing) {
        if (existing.merOrderId !== merOrderId || existing.amount !== amount) {
          throw new RefundRefusedError('REFUND_ID_CONFLICT', `退款单号 ${refundOrderId} 已用于另一笔退款`)
        }
        return { refund: existing, existing: true }
      }
      const o = this.get(merOrderId)
      if (!o) throw new RefundRefusedError('NO_ORDER', '订单不存在')
      if (o.status !== 'TRADE_SUCCESS' && o.status !== 'TRADE_REFUND') {
        throw new RefundRefusedError('NOT_PAID', `订单状态为 ${o.status}，不能退款`)
      }
      const live = this.refunds(merOrderId).filter((r) => r.status !== 'FAILED')
      const reserved = live.reduce((s, r) => s + r.amount, 0)
      const cap = refundCap(o)
      if (reserved + amount > cap) {
        const what = cap === o.amount ? '订单金额' : '担保完成金额'
        throw new RefundRefusedError('EXCEEDS_AMOUNT', `退款总额不能超过${what}：已退/退款中 ${reserved} 分，本次 ${amount} 分，${what} ${cap} 分`)
      }
      const od = o.division as OrderDivision | null
      if (od && division) {
        const platform = live.reduce((s, r) => s + (r.division?.platformAmount ?? 0), 0)
        if (platform + division.platformAmount > od.platformAmount) {
          throw new RefundRefusedError('EXCEEDS_SHARE', `平台分账退款总额不能超过下单时的 platformAmount：已退/退款中 ${platform} 分，本次 ${division.platformAmount} 分，共 ${od.platformAmount} 分`)
        }
        for (const sub of division.subOrders) {
          const share = od.subOrders?.find((x) => x.mid === sub.mid)?.totalAmount
          if (share === undefined) continue
          const done = live.reduce((s, r) => s + (r.division?.subOrders.find((x) => x.mid === sub.mid)?.totalAmount ?? 0), 0)
          if (done + sub.totalAmount > share) {
            throw new RefundRefusedError('EXCEEDS_SHARE', `子商户 ${sub.mid} 退款总额不能超过其分账金额：已退/退款中 ${done} 分，本次 ${sub.totalAmount} 分，共 ${share} 分`)
          }
        }
      }
      const now = this.clock()
      this.db
        .prepare(
          `INSERT INTO pay_refunds (refund_order_id, mer_order_id, amount, status, description, division_json, next_check_at, created_at, updated_at)
           VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)`,
        )
        .run(refundOrderId, merOrderId, amount, description ?? null, division ? JSON.stringify(division) : null, now + FIRST_CHECK_AFTER_MS, now, now)
      return { refund: this.getRefund(refundOrderId) as Refund, existing: false }
    })
  }

  /**
   * A refund 银商 notified that we never asked for (made in the 银商 merchant portal, or lost
   * before it was recorded): recorded as succeeded so the money event is not lost. Refused
   * (null) when it would exceed the order's amount or the order is not paid.
   */
  recordNotifiedRefund(merOrderId: string, refundOrderId: string, amount: number): Refund | null {
    return this.tx(() => {
      if (this.getRefund(refundOrderId)) return null
      const o = this.get(merOrderId)
      if (!o || (o.status !== 'TRADE_SUCCESS' && o.status !== 'TRADE_REFUND')) return null
      if (o.refundedAmount + amount > refundCap(o)) return null
      const now = this.clock()
      this.db
        .prepare(
          `INSERT INTO pay_refunds (refund_order_id, mer_order_id, amount, status, description, created_at, updated_at)
           VALUES (?, ?, ?, 'PENDING', '银商通知的退款', ?, ?)`,
        )
        .run(refundOrderId, merOrderId, amount, now, now)
      return this.settleRefund(refundOrderId, 'SUCCESS', 'notify')
    })
  }

  /**
   * Settles a refund once: SUCCESS adds to refunded_amount and moves the order to TRADE_REFUND,
   * or TRADE_CLOSED when fully refunded (seed 2.2); FAILED releases the reservation. A refund
   * already settled is left as is.
   */
  settleRefund(refundOrderId: string, outcome: 'SUCCESS' | 'FAILED', source: string, errCode?: string): Refund {
    return this.tx(() => {
      const r = this.getRefund(refundOrderId)
      if (!r) throw new Error(`no refund ${refundOrderId}`)
      if (r.status !== 'PENDING') return r
      const now = this.clock()
      this.db
        .prepare('UPDATE pay_refunds SET status = ?, err_code = ?, updated_at = ?, next_check_at = NULL WHERE refund_order_id = ?')
        .run(outcome, errCode ?? null, now, refundOrderId)
      if (outcome === 'SUCCESS') {
        const o = this.mustGet(r.merOrderId)
        const refunded = o.refundedAmount + r.amount
        this.db.prepare('UPDATE pay_orders SET refunded_amount = ? WHERE mer_order_id = ?').run(refunded, r.merOrderId)
        this.moveIn(o, refunded >= refundCap(o) ? 'TRADE_CLOSED' : 'TRADE_REFUND', source, `refund ${refundOrderId} ${r.amount}`)
      }
      return this.getRefund(refundOrderId) as Refund
    })
  }

  /** PENDING refunds whose next refund-query is due, oldest due first (rows from before 005_refunds_division: 5 min after their last change). */
  dueRefunds(now: number, limit: number): Refund[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM pay_refunds WHERE status = 'PENDING' AND COALESCE(next_check_at, updated_at + ?) <= ?
           ORDER BY COALESCE(next_check_at, updated_at + ?) LIMIT ?`,
        )
        .all(FIRST_CHECK_AFTER_MS, now, FIRST_CHECK_AFTER_MS, limit) as Row[]
    ).map(toRefund)
  }

  /** Takes a due refund for one refund-query (a lease), so two instances never query it at once. */
  claimRefundCheck(refundOrderId: string, leaseUntil: number): boolean {
    return (
      this.db
        .prepare("UPDATE pay_refunds SET next_check_at = ? WHERE refund_order_id = ? AND status = 'PENDING' AND COALESCE(next_check_at, updated_at + ?) <= ?")
        .run(leaseUntil, refundOrderId, FIRST_CHECK_AFTER_MS, this.clock()).changes === 1
    )
  }

  /** After a refund-query without a final answer: the next one after a growing gap (schedule.ts), or never. */
  scheduleRefundCheck(refundOrderId: string, nextCheckAt: number | null): void {
    this.db
      .prepare('UPDATE pay_refunds SET next_check_at = ?, check_count = check_count + 1, updated_at = ? WHERE refund_order_id = ?')
      .run(nextCheckAt, this.clock(), refundOrderId)
  }
}
