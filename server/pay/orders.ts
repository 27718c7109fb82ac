import type { Db } from '../store/db.ts'
import { IllegalTransitionError } from './errors.ts'
import type { NewOrder, Order, OrderEvent, PaymentFacts, SecureStatus } from './model.ts'
import { immediate, toOrder, type Row } from './rows.ts'
import { canMove, isOrderStatus, PENDING_STATUSES, type OrderStatus } from './status.ts'

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

  mustGet(merOrderId: string): Order {
    const o = this.get(merOrderId)
    if (!o) throw new Error(`order ${merOrderId} vanished`)
    return o
  }

  list(limit = 50): Order[] {
    return (this.db.prepare('SELECT * FROM pay_orders ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as Row[]).map(toOrder)
  }

  events(merOrderId: string): OrderEvent[] {
    return (this.db.prepare('SELECT * FROM pay_order_events WHERE mer_order_id = ? ORDER BY id').all(merOrderId) as Row[]).map((r) => ({
      fromStatus: isOrderStatus(r.from_status) ? r.from_status : null,
      toStatus: r.to_status as OrderStatus,
      source: String(r.source),
      detail: r.detail === null ? null : String(r.detail),
      at: Number(r.at),
    }))
  }

  setTn(merOrderId: string, tn: string): void {
    this.db.prepare('UPDATE pay_orders SET tn = ?, updated_at = ? WHERE mer_order_id = ?').run(tn, this.clock(), merOrderId)
  }

  /** Marks that 银商 notified about the order (inside the notify's transaction). */
  markNotified(merOrderId: string): void {
    this.db.prepare('UPDATE pay_orders SET notified_at = ? WHERE mer_order_id = ?').run(this.clock(), merOrderId)
  }

  /** Sets what refunds have returned so far (inside a refund's transaction). */
  setRefunded(merOrderId: string, refunded: number): void {
    this.db.prepare('UPDATE pay_orders SET refunded_amount = ? WHERE mer_order_id = ?').run(refunded, merOrderId)
  }

  /**
   * Records a 担保完成 (completedAmount settled, the rest returned to the buyer) as one event row
   * with the new secureStatus, in one transaction. Returns the order after.
   */
  recordSecureComplete(merOrderId: string, secureStatus: SecureStatus, completedAmount: number): Order {
    return this.atomic(() => {
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
    return this.atomic(() => {
      const o = this.mustGet(merOrderId)
      this.db.prepare("UPDATE pay_orders SET secure_status = 'CANCELED', completed_amount = 0 WHERE mer_order_id = ?").run(merOrderId)
      this.moveIn(o, 'TRADE_CLOSED', 'secure-cancel', `returned ${o.amount}`)
      return this.mustGet(merOrderId)
    })
  }

  private event(merOrderId: string, from: OrderStatus | null, to: OrderStatus, source: string, detail: string | null, at: number) {
    this.db
      .prepare('INSERT INTO pay_order_events (mer_order_id, from_status, to_status, source, detail, at) VALUES (?, ?, ?, ?, ?, ?)')
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
    return this.atomic(() => {
      const o = this.get(merOrderId)
      if (!o) throw new Error(`no order ${merOrderId}`)
      const changed = this.moveIn(o, to, source, detail ?? null, facts)
      return { order: this.mustGet(merOrderId), changed }
    })
  }
}
