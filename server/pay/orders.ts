import { sql } from 'kysely'
import { lockingRead, Repository } from '../store/repository.ts'
import { IllegalTransitionError } from './errors.ts'
import type { NewOrder, Order, OrderEvent, PaymentFacts, SecureStatus } from './model.ts'
import { toOrder } from './rows.ts'
import { autoCancelCheckAt } from './secure.ts'
import { canMove, isOrderStatus, isPaid, PENDING_STATUSES, type OrderStatus } from './status.ts'

const UNPAID = ['NEW_ORDER', 'WAIT_BUYER_PAY', 'UNKNOWN']

/**
 * The order records: orders, their status moves and the event row of each move. Every write is
 * one transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: the order row locked with FOR UPDATE
 * before it is read for a move), so a status change and its event row (and any related row the
 * caller writes inside `atomic`) commit together or not at all, on any number of instances.
 */
export class OrderStore extends Repository {
  protected readonly eventTable = 'pay_order_events'

  create(o: NewOrder): Promise<Order> {
    const now = this.clock()
    return this.atomic(async () => {
      await this.q
        .insertInto('pay_orders')
        .values({
          mer_order_id: o.merOrderId,
          kind: o.kind,
          channel: o.channel,
          inst_mid: o.instMid,
          amount: o.amount,
          status: 'NEW_ORDER',
          secure: o.secure ? 1 : 0,
          description: o.description ?? null,
          division_json: o.division === undefined ? null : JSON.stringify(o.division),
          expires_at: o.expiresAt ?? null,
          next_check_at: o.nextCheckAt,
          owner_open_id: o.owner?.openId ?? null,
          owner_browser: o.owner?.browser ?? null,
          client_key: o.owner?.clientKey ?? null,
          seen_at: o.seen ? now : null,
          created_at: now,
          updated_at: now,
          tn: null,
          target_order_id: null,
          target_sys: null,
          pay_time: null,
          notified_at: null,
          secure_status: null,
          completed_amount: null,
          secure_pending: null,
          secure_pending_amount: null,
        })
        .execute()
      await this.event(o.merOrderId, null, 'NEW_ORDER', 'create', null, now)
      return this.mustGet(o.merOrderId)
    })
  }

  async get(merOrderId: string): Promise<Order | null> {
    const r = await this.q
      .selectFrom('pay_orders')
      .selectAll()
      .where('mer_order_id', '=', merOrderId)
      .executeTakeFirst()
    return r ? toOrder(r) : null
  }

  /** Inside a transaction: reads the order and, on PostgreSQL, locks its row until the commit. */
  async lock(merOrderId: string): Promise<Order | null> {
    const q = this.q
    const r = await q
      .selectFrom('pay_orders')
      .selectAll()
      .where('mer_order_id', '=', merOrderId)
      .$if(lockingRead(q), (qb) => qb.forUpdate())
      .executeTakeFirst()
    return r ? toOrder(r) : null
  }

  async mustGet(merOrderId: string): Promise<Order> {
    const o = await this.get(merOrderId)
    if (!o) throw new Error(`order ${merOrderId} vanished`)
    return o
  }

  private async mustLock(merOrderId: string): Promise<Order> {
    const o = await this.lock(merOrderId)
    if (!o) throw new Error(`order ${merOrderId} vanished`)
    return o
  }

  async list(limit = 50): Promise<Order[]> {
    const rows = await this.q
      .selectFrom('pay_orders')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('rowid', 'desc')
      .limit(limit)
      .execute()
    return rows.map(toOrder)
  }

  /** A user's own orders, newest first: created while logged in as `openId`, or from this browser. */
  async listOwned(owner: { openId?: string | undefined; browser?: string | undefined }, limit = 50): Promise<Order[]> {
    if (!owner.openId && !owner.browser) return []
    const rows = await this.q
      .selectFrom('pay_orders')
      .selectAll()
      .where((eb) =>
        eb.or([
          ...(owner.openId ? [eb('owner_open_id', '=', owner.openId)] : []),
          ...(owner.browser ? [eb('owner_browser', '=', owner.browser)] : []),
        ]),
      )
      .orderBy('created_at', 'desc')
      .orderBy('rowid', 'desc')
      .limit(limit)
      .execute()
    return rows.map(toOrder)
  }

  /** Unpaid orders a client created since `since` (the per-client limit). */
  async countUnpaid(clientKey: string, since: number): Promise<number> {
    const r = await this.q
      .selectFrom('pay_orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('client_key', '=', clientKey)
      .where('created_at', '>=', since)
      .where('status', 'in', UNPAID)
      .executeTakeFirstOrThrow()
    return Number(r.n)
  }

  /** The platform has shown it knows the order (first time only). */
  async markSeen(merOrderId: string): Promise<void> {
    await this.q
      .updateTable('pay_orders')
      .set({ seen_at: this.clock() })
      .where('mer_order_id', '=', merOrderId)
      .where('seen_at', 'is', null)
      .execute()
  }

  override async events(merOrderId: string): Promise<OrderEvent[]> {
    return (await super.events(merOrderId)).map((e) => ({
      ...e,
      fromStatus: isOrderStatus(e.fromStatus) ? e.fromStatus : null,
      toStatus: e.toStatus as OrderStatus,
    }))
  }

  async setTn(merOrderId: string, tn: string): Promise<void> {
    await this.q
      .updateTable('pay_orders')
      .set({ tn, updated_at: this.clock() })
      .where('mer_order_id', '=', merOrderId)
      .execute()
  }

  /** Marks that 银商 notified about the order (inside the notify's transaction). */
  async markNotified(merOrderId: string): Promise<void> {
    const now = this.clock()
    await this.q
      .updateTable('pay_orders')
      .set((eb) => ({ notified_at: now, seen_at: eb.fn.coalesce('seen_at', sql.val(now)) }))
      .where('mer_order_id', '=', merOrderId)
      .execute()
  }

  /** Sets what refunds have returned so far (inside a refund's transaction). */
  async setRefunded(merOrderId: string, refunded: number): Promise<void> {
    await this.q
      .updateTable('pay_orders')
      .set({ refunded_amount: refunded })
      .where('mer_order_id', '=', merOrderId)
      .execute()
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
  ): Promise<Order> {
    return this.atomic(async () => {
      const o = await this.mustLock(merOrderId)
      const now = this.clock()
      await this.q
        .updateTable('pay_orders')
        .set({
          secure_status: secureStatus,
          completed_amount: completedAmount,
          secure_pending: null,
          secure_pending_amount: null,
          next_check_at: null,
          updated_at: now,
        })
        .where('mer_order_id', '=', merOrderId)
        .execute()
      await this.event(
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
  recordSecureCancel(merOrderId: string, source = 'secure-cancel'): Promise<Order> {
    return this.atomic(async () => {
      const o = await this.mustLock(merOrderId)
      await this.q
        .updateTable('pay_orders')
        .set({
          secure_status: 'CANCELED',
          completed_amount: 0,
          secure_pending: null,
          secure_pending_amount: null,
          next_check_at: null,
        })
        .where('mer_order_id', '=', merOrderId)
        .execute()
      if (!(await this.moveIn(o, 'TRADE_CLOSED', source, `returned ${o.amount}`)))
        await this.event(merOrderId, o.status, o.status, source, 'already closed', this.clock())
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
  ): Promise<boolean> {
    return this.atomic(async () => {
      const o = await this.mustLock(merOrderId)
      if (!o.secure || !isPaid(o.status)) return false
      if (secureStatus === 'CANCELED') {
        if (o.secureStatus === 'CANCELED') return false
        if (o.status !== 'TRADE_SUCCESS') return false
        await this.recordSecureCancel(merOrderId, source)
        return true
      }
      if (secureStatus === 'UNCOMPLETED') {
        if (o.secureStatus !== null) return false
        await this.q
          .updateTable('pay_orders')
          .set({ secure_status: 'UNCOMPLETED' })
          .where('mer_order_id', '=', merOrderId)
          .execute()
        return true
      }
      const amount = completeAmount ?? (secureStatus === 'ALL_COMPLETED' ? o.amount : o.completedAmount)
      if (amount === null || amount > o.amount) return false
      if (o.secureStatus === secureStatus && o.completedAmount === amount) return false
      await this.recordSecureComplete(merOrderId, secureStatus, amount, source)
      return true
    })
  }

  /** Forgets a 担保 action whose outcome never became known (the merchant may act again). */
  async clearSecurePending(merOrderId: string): Promise<void> {
    await this.q
      .updateTable('pay_orders')
      .set({ secure_pending: null, secure_pending_amount: null })
      .where('mer_order_id', '=', merOrderId)
      .execute()
  }

  /** When the order was paid (its move to TRADE_SUCCESS), or null. */
  async paidAt(merOrderId: string): Promise<number | null> {
    const r = await this.q
      .selectFrom('pay_order_events')
      .select((eb) => eb.fn.min('at').as('at'))
      .where('mer_order_id', '=', merOrderId)
      .where('to_status', '=', 'TRADE_SUCCESS')
      .executeTakeFirst()
    return r?.at === null || r?.at === undefined ? null : Number(r.at)
  }

  /** A 担保 action sent whose outcome is unknown: remembered, and the order queried at `checkAt`. */
  recordSecurePending(
    merOrderId: string,
    action: 'cancel' | 'complete',
    amount: number | null,
    checkAt: number,
  ): Promise<Order> {
    return this.atomic(async () => {
      const o = await this.mustLock(merOrderId)
      const now = this.clock()
      await this.q
        .updateTable('pay_orders')
        .set({
          secure_pending: action,
          secure_pending_amount: amount,
          next_check_at: checkAt,
          check_count: 0,
          updated_at: now,
        })
        .where('mer_order_id', '=', merOrderId)
        .execute()
      await this.event(
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

  /**
   * Inside a transaction, on an order read with `lock`: moves the order and writes its event row,
   * or throws IllegalTransitionError. Same status = no-op (returns false), except a further partial refund.
   */
  async moveIn(
    o: Order,
    to: OrderStatus,
    source: string,
    detail: string | null,
    facts: PaymentFacts = {},
  ): Promise<boolean> {
    if (o.status === to && to !== 'TRADE_REFUND') return false
    if (!canMove(o.status, to)) throw new IllegalTransitionError(o.merOrderId, o.status, to)
    const now = this.clock()
    const settled = !PENDING_STATUSES.has(to)
    // A paid 担保 order is UNCOMPLETED (seed 2.3) and is asked about again after the 30-day auto-cancel.
    const securePaid = o.secure && to === 'TRADE_SUCCESS'
    const nextCheck = securePaid ? autoCancelCheckAt(now) : null
    await this.q
      .updateTable('pay_orders')
      .set((eb) => ({
        status: to,
        updated_at: now,
        target_order_id: eb.fn.coalesce(sql.val(facts.targetOrderId ?? null), 'target_order_id'),
        target_sys: eb.fn.coalesce(sql.val(facts.targetSys ?? null), 'target_sys'),
        pay_time: eb.fn.coalesce(sql.val(facts.payTime ?? null), 'pay_time'),
        ...(settled ? { next_check_at: nextCheck } : {}),
        ...(securePaid
          ? { check_count: 0, secure_status: eb.fn.coalesce('secure_status', sql.lit('UNCOMPLETED')) }
          : {}),
      }))
      .where('mer_order_id', '=', o.merOrderId)
      .execute()
    await this.event(o.merOrderId, o.status, to, source, detail, now)
    return true
  }

  /** Moves an order in its own transaction. Returns the order after, and whether it changed. */
  transition(
    merOrderId: string,
    to: OrderStatus,
    source: string,
    detail?: string,
    facts?: PaymentFacts,
  ): Promise<{ order: Order; changed: boolean }> {
    return this.atomic(async () => {
      const o = await this.lock(merOrderId)
      if (!o) throw new Error(`no order ${merOrderId}`)
      const changed = await this.moveIn(o, to, source, detail ?? null, facts)
      return { order: await this.mustGet(merOrderId), changed }
    })
  }
}
