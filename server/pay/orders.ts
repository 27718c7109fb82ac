import type { Db } from '../store/db.ts'
import { IllegalTransitionError } from './errors.ts'
import type { NewOrder, Order, OrderEvent, PaymentFacts, SecureStatus } from './model.ts'
import { immediate, toOrder, type Row } from './rows.ts'
import { autoCancelCheckAt } from './secure.ts'
import { canMove, isOrderStatus, isPaid, PENDING_STATUSES, type OrderStatus } from './status.ts'

/**
 * The order records (SQLite): orders, their status moves and the event row of each move. Every
 * write is one `BEGIN IMMEDIATE` transaction, so a status change and its event row (and any
 * related row the caller writes inside `atomic`) commit together or not at all.
 */
export class OrderStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {}

  /** Runs several store calls as one transaction (nested calls become savepoints). */
  atomic<T>(fn: () => T): T {
    return immediate(this.db, fn)
  }

  create(o: NewOrder): Order {
    const now = this.clock()
    return this.atomic(() => {
      this.db
        .prepare(
          `INSERT INTO pay_orders (mer_order_id, kind, channel, inst_mid, amount, status, secure, description, division_json,
             expires_at, next_check_at, owner_open_id, owner_browser, client_key, seen_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'NEW_ORDER', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          o.owner?.openId ?? null,
          o.owner?.browser ?? null,
          o.owner?.clientKey ?? null,
          o.seen ? now : null,
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

  mustGet(merOrderId: string): Order {
    const o = this.get(merOrderId)
    if (!o) throw new Error(`order ${merOrderId} vanished`)
    return o
  }

  list(limit = 50): Order[] {
    return (
      this.db.prepare('SELECT * FROM pay_orders ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as Row[]
    ).map(toOrder)
  }

  /** A user's own orders, newest first: created while logged in as `openId`, or from this browser. */
  listOwned(owner: { openId?: string | undefined; browser?: string | undefined }, limit = 50): Order[] {
    if (!owner.openId && !owner.browser) return []
    return (
      this.db
        .prepare(
          'SELECT * FROM pay_orders WHERE owner_open_id = ? OR owner_browser = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
        )
        .all(owner.openId ?? null, owner.browser ?? null, limit) as Row[]
    ).map(toOrder)
  }

  /** Unpaid orders a client created since `since` (the per-client limit). */
  countUnpaid(clientKey: string, since: number): number {
    const r = this.db
      .prepare(
        "SELECT COUNT(*) AS n FROM pay_orders WHERE client_key = ? AND created_at >= ? AND status IN ('NEW_ORDER', 'WAIT_BUYER_PAY', 'UNKNOWN')",
      )
      .get(clientKey, since) as { n: number }
    return Number(r.n)
  }

  /** The platform has shown it knows the order (first time only). */
  markSeen(merOrderId: string): void {
    this.db
      .prepare('UPDATE pay_orders SET seen_at = ? WHERE mer_order_id = ? AND seen_at IS NULL')
      .run(this.clock(), merOrderId)
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

  setTn(merOrderId: string, tn: string): void {
    this.db
      .prepare('UPDATE pay_orders SET tn = ?, updated_at = ? WHERE mer_order_id = ?')
      .run(tn, this.clock(), merOrderId)
  }

  /** Marks that 银商 notified about the order (inside the notify's transaction). */
  markNotified(merOrderId: string): void {
    const now = this.clock()
    this.db
      .prepare('UPDATE pay_orders SET notified_at = ?, seen_at = COALESCE(seen_at, ?) WHERE mer_order_id = ?')
      .run(now, now, merOrderId)
  }

  /** Sets what refunds have returned so far (inside a refund's transaction). */
  setRefunded(merOrderId: string, refunded: number): void {
    this.db.prepare('UPDATE pay_orders SET refunded_amount = ? WHERE mer_order_id = ?').run(refunded, merOrderId)
  }

  /**
   * Records a 担保完成 (completedAmount settled, the rest returned to the buyer) as one event row
   * with the new secureStatus, in one transaction. Returns the order after.
   */
  recordSecureComplete(
    merOrderId: string,
    secureStatus: SecureStatus,
    completedAmount: number,
    source = 'secure-complete',
  ): Order {
    return this.atomic(() => {
      const o = this.mustGet(merOrderId)
      const now = this.clock()
      this.db
        .prepare(
          'UPDATE pay_orders SET secure_status = ?, completed_amount = ?, secure_pending = NULL, secure_pending_amount = NULL, next_check_at = NULL, updated_at = ? WHERE mer_order_id = ?',
        )
        .run(secureStatus, completedAmount, now, merOrderId)
      this.event(
        merOrderId,
        o.status,
        o.status,
        source,
        `completed ${completedAmount}, returned ${o.amount - completedAmount}`,
        now,
      )
      return this.mustGet(merOrderId)
    })
  }

  /** 担保撤销 (ours, or the 30-day automatic one): everything back to the buyer, the order closed — one transaction. */
  recordSecureCancel(merOrderId: string, source = 'secure-cancel'): Order {
    return this.atomic(() => {
      const o = this.mustGet(merOrderId)
      this.db
        .prepare(
          "UPDATE pay_orders SET secure_status = 'CANCELED', completed_amount = 0, secure_pending = NULL, secure_pending_amount = NULL, next_check_at = NULL WHERE mer_order_id = ?",
        )
        .run(merOrderId)
      if (!this.moveIn(o, 'TRADE_CLOSED', source, `returned ${o.amount}`))
        this.event(merOrderId, o.status, o.status, source, 'already closed', this.clock())
      return this.mustGet(merOrderId)
    })
  }

  /**
   * What a query answer or a notify says about a 担保 order (seed 2.3 secureStatus, completeAmount),
   * applied inside the caller's transaction: CANCELED closes it (everything went back to the
   * buyer, e.g. the 30-day automatic cancel), a completion records the completed amount,
   * UNCOMPLETED is stored. Returns whether anything changed.
   */
  recordSecureFacts(
    merOrderId: string,
    secureStatus: SecureStatus,
    completeAmount: number | undefined,
    source: string,
  ): boolean {
    return this.atomic(() => {
      const o = this.mustGet(merOrderId)
      if (!o.secure || !isPaid(o.status)) return false
      if (secureStatus === 'CANCELED') {
        if (o.secureStatus === 'CANCELED') return false
        if (o.status !== 'TRADE_SUCCESS') return false
        this.recordSecureCancel(merOrderId, source)
        return true
      }
      if (secureStatus === 'UNCOMPLETED') {
        if (o.secureStatus !== null) return false
        this.db.prepare("UPDATE pay_orders SET secure_status = 'UNCOMPLETED' WHERE mer_order_id = ?").run(merOrderId)
        return true
      }
      const amount = completeAmount ?? (secureStatus === 'ALL_COMPLETED' ? o.amount : o.completedAmount)
      if (amount === null || amount > o.amount) return false
      if (o.secureStatus === secureStatus && o.completedAmount === amount) return false
      this.recordSecureComplete(merOrderId, secureStatus, amount, source)
      return true
    })
  }

  /** Forgets a 担保 action whose outcome never became known (the merchant may act again). */
  clearSecurePending(merOrderId: string): void {
    this.db
      .prepare('UPDATE pay_orders SET secure_pending = NULL, secure_pending_amount = NULL WHERE mer_order_id = ?')
      .run(merOrderId)
  }

  /** When the order was paid (its move to TRADE_SUCCESS), or null. */
  paidAt(merOrderId: string): number | null {
    const r = this.db
      .prepare("SELECT MIN(at) AS at FROM pay_order_events WHERE mer_order_id = ? AND to_status = 'TRADE_SUCCESS'")
      .get(merOrderId) as { at: number | null } | undefined
    return r?.at ?? null
  }

  /** A 担保 action sent whose outcome is unknown: remembered, and the order queried at `checkAt`. */
  recordSecurePending(
    merOrderId: string,
    action: 'cancel' | 'complete',
    amount: number | null,
    checkAt: number,
  ): Order {
    return this.atomic(() => {
      const o = this.mustGet(merOrderId)
      const now = this.clock()
      this.db
        .prepare(
          'UPDATE pay_orders SET secure_pending = ?, secure_pending_amount = ?, next_check_at = ?, check_count = 0, updated_at = ? WHERE mer_order_id = ?',
        )
        .run(action, amount, checkAt, now, merOrderId)
      this.event(
        merOrderId,
        o.status,
        o.status,
        `secure-${action}`,
        `outcome unknown${amount === null ? '' : ` (completed ${amount})`}, query at ${checkAt}`,
        now,
      )
      return this.mustGet(merOrderId)
    })
  }

  private event(
    merOrderId: string,
    from: OrderStatus | null,
    to: OrderStatus,
    source: string,
    detail: string | null,
    at: number,
  ) {
    this.db
      .prepare(
        'INSERT INTO pay_order_events (mer_order_id, from_status, to_status, source, detail, at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(merOrderId, from, to, source, detail, at)
  }

  /**
   * Inside a transaction: moves the order and writes its event row, or throws
   * IllegalTransitionError. Same status = no-op (returns false), except a further partial refund.
   */
  moveIn(o: Order, to: OrderStatus, source: string, detail: string | null, facts: PaymentFacts = {}): boolean {
    if (o.status === to && to !== 'TRADE_REFUND') return false
    if (!canMove(o.status, to)) throw new IllegalTransitionError(o.merOrderId, o.status, to)
    const now = this.clock()
    const settled = !PENDING_STATUSES.has(to)
    // A paid 担保 order is UNCOMPLETED (seed 2.3) and is asked about again after the 30-day auto-cancel.
    const securePaid = o.secure && to === 'TRADE_SUCCESS'
    const nextCheck = securePaid ? autoCancelCheckAt(now) : null
    this.db
      .prepare(
        `UPDATE pay_orders SET status = ?, updated_at = ?,
           target_order_id = COALESCE(?, target_order_id), target_sys = COALESCE(?, target_sys), pay_time = COALESCE(?, pay_time),
           next_check_at = CASE WHEN ? THEN ? ELSE next_check_at END,
           check_count = CASE WHEN ? THEN 0 ELSE check_count END,
           secure_status = CASE WHEN ? THEN COALESCE(secure_status, 'UNCOMPLETED') ELSE secure_status END
         WHERE mer_order_id = ?`,
      )
      .run(
        to,
        now,
        facts.targetOrderId ?? null,
        facts.targetSys ?? null,
        facts.payTime ?? null,
        settled ? 1 : 0,
        nextCheck,
        securePaid ? 1 : 0,
        securePaid ? 1 : 0,
        o.merOrderId,
      )
    this.event(o.merOrderId, o.status, to, source, detail, now)
    return true
  }

  /** Moves an order in its own transaction. Returns the order after, and whether it changed. */
  transition(
    merOrderId: string,
    to: OrderStatus,
    source: string,
    detail?: string,
    facts?: PaymentFacts,
  ): { order: Order; changed: boolean } {
    return this.atomic(() => {
      const o = this.get(merOrderId)
      if (!o) throw new Error(`no order ${merOrderId}`)
      const changed = this.moveIn(o, to, source, detail ?? null, facts)
      return { order: this.mustGet(merOrderId), changed }
    })
  }
}
