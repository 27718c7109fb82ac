import type { Selectable } from 'kysely'
import { lockingRead, Repository, type StatusEvent } from '../../store/repository.ts'
import type { Tables } from '../../store/schema.ts'
import { claimNextRow, scheduleCheckRow } from '../check-queue.ts'

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

export type NojumpEvent = StatusEvent

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

type BindingRow = Selectable<Tables['nojump_bindings']>
type OrderRow = Selectable<Tables['nojump_orders']>
const num = (v: number | null) => (v === null ? null : Number(v))

function toBinding(r: BindingRow): Binding {
  return {
    id: r.id,
    openId: r.open_id,
    status: r.status,
    via: r.via,
    token: r.token,
    trId: r.tr_id,
    maskedPan: r.masked_pan,
    tokenEnd: r.token_end,
    openOrderId: r.open_order_id,
    openTxnTime: r.open_txn_time,
    respCode: r.resp_code,
    respMsg: r.resp_msg,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }
}

function toOrder(r: OrderRow): NojumpOrder {
  return {
    orderId: r.order_id,
    kind: r.kind,
    bindingId: r.binding_id,
    openId: r.open_id,
    txnTime: r.txn_time,
    amount: Number(r.amount),
    status: r.status,
    refundedAmount: Number(r.refunded_amount),
    origOrderId: r.orig_order_id,
    queryId: r.query_id,
    respCode: r.resp_code,
    respMsg: r.resp_msg,
    description: r.description,
    checkCount: Number(r.check_count),
    nextCheckAt: num(r.next_check_at),
    needsReconciliation: Number(r.needs_reconciliation) === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    settledAt: num(r.settled_at),
  }
}

/**
 * 无跳转 records (SQLite or PostgreSQL through the query builder): bindings (token + masked
 * card), orders paid with a token, their events. Every query joins the caller's `atomic`.
 */
export class NojumpRepo extends Repository {
  protected readonly eventTable = 'nojump_events'

  // --- bindings -------------------------------------------------------------------------------------

  async binding(id: string): Promise<Binding | null> {
    const r = await this.q.selectFrom('nojump_bindings').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toBinding(r) : null
  }

  /** Inside `atomic`: the binding, its row locked until the transaction ends (PostgreSQL FOR UPDATE). */
  async lockBinding(id: string): Promise<Binding | null> {
    const q = this.q
    const r = await q
      .selectFrom('nojump_bindings')
      .selectAll()
      .where('id', '=', id)
      .$if(lockingRead(q), (qb) => qb.forUpdate())
      .executeTakeFirst()
    return r ? toBinding(r) : null
  }

  async bindingByOpenOrder(orderId: string): Promise<Binding | null> {
    const r = await this.q
      .selectFrom('nojump_bindings')
      .selectAll()
      .where('open_order_id', '=', orderId)
      .executeTakeFirst()
    return r ? toBinding(r) : null
  }

  async bindingsOf(openId: string): Promise<Binding[]> {
    const rows = await this.q
      .selectFrom('nojump_bindings')
      .selectAll()
      .where('open_id', '=', openId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(50)
      .execute()
    return rows.map(toBinding)
  }

  /** Inserts an OPENING binding and its first event; a taken id or opening orderId throws (isUniqueViolation). */
  insertBinding(b: {
    id: string
    openId: string
    via: BindingVia
    trId: string
    maskedPan: string | null
    openOrderId: string
    openTxnTime: string
  }): Promise<Binding> {
    const now = this.clock()
    return this.atomic(async () => {
      await this.q
        .insertInto('nojump_bindings')
        .values({
          id: b.id,
          open_id: b.openId,
          status: 'OPENING',
          via: b.via,
          token: null,
          tr_id: b.trId,
          masked_pan: b.maskedPan,
          token_end: null,
          open_order_id: b.openOrderId,
          open_txn_time: b.openTxnTime,
          resp_code: null,
          resp_msg: null,
          created_at: now,
          updated_at: now,
        })
        .execute()
      await this.event(b.id, null, 'OPENING', b.via, null)
      return (await this.binding(b.id)) as Binding
    })
  }

  /**
   * Moves a binding once: the UPDATE only matches the expected current status, so a concurrent or
   * repeated move changes nothing and answers false; with what the gateway said, and its event
   * row in the same transaction.
   */
  moveBinding(
    id: string,
    to: BindingStatus,
    source: string,
    facts: { token?: string; maskedPan?: string; tokenEnd?: string | null; respCode?: string; respMsg?: string } = {},
  ): Promise<boolean> {
    return this.atomic(async () => {
      const cur = await this.lockBinding(id)
      if (!cur) throw new Error(`no binding ${id}`)
      if (cur.status === to) return false
      if (!BINDING_MOVES[cur.status].includes(to)) throw new NojumpTransitionError(cur.status, to)
      const r = await this.q
        .updateTable('nojump_bindings')
        .set((eb) => ({
          status: to,
          token: facts.token ?? eb.ref('token'),
          masked_pan: facts.maskedPan ?? eb.ref('masked_pan'),
          token_end: facts.tokenEnd ?? eb.ref('token_end'),
          resp_code: facts.respCode ?? eb.ref('resp_code'),
          resp_msg: facts.respMsg ?? eb.ref('resp_msg'),
          updated_at: this.clock(),
        }))
        .where('id', '=', id)
        .where('status', '=', cur.status)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) return false
      await this.event(id, cur.status, to, source, facts.respCode ? `${facts.respCode} ${facts.respMsg ?? ''}` : null)
      return true
    })
  }

  /** 更新标记: an active binding's token (and end date) replaced. */
  replaceToken(id: string, token: string, tokenEnd: string | null, source: string): Promise<void> {
    return this.atomic(async () => {
      const r = await this.q
        .updateTable('nojump_bindings')
        .set((eb) => ({ token, token_end: tokenEnd ?? eb.ref('token_end'), updated_at: this.clock() }))
        .where('id', '=', id)
        .where('status', '=', 'ACTIVE')
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) === 1) await this.event(id, 'ACTIVE', 'ACTIVE', source, 'token updated')
    })
  }

  async noteBindingAnswer(id: string, respCode: string, respMsg: string): Promise<void> {
    await this.q
      .updateTable('nojump_bindings')
      .set({ resp_code: respCode, resp_msg: respMsg, updated_at: this.clock() })
      .where('id', '=', id)
      .execute()
  }

  // --- orders ---------------------------------------------------------------------------------------

  async order(orderId: string): Promise<NojumpOrder | null> {
    const r = await this.q.selectFrom('nojump_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst()
    return r ? toOrder(r) : null
  }

  /** Inside `atomic`: the order, its row locked until the transaction ends (PostgreSQL FOR UPDATE). */
  async lock(orderId: string): Promise<NojumpOrder | null> {
    const q = this.q
    const r = await q
      .selectFrom('nojump_orders')
      .selectAll()
      .where('order_id', '=', orderId)
      .$if(lockingRead(q), (qb) => qb.forUpdate())
      .executeTakeFirst()
    return r ? toOrder(r) : null
  }

  async ordersOf(openId: string, limit = 50): Promise<NojumpOrder[]> {
    const rows = await this.q
      .selectFrom('nojump_orders')
      .selectAll()
      .where('open_id', '=', openId)
      .where('kind', '=', 'consume')
      .where('status', '!=', 'DRAFT')
      .orderBy('created_at', 'desc')
      .orderBy('order_id', 'desc')
      .limit(limit)
      .execute()
    return rows.map(toOrder)
  }

  /** Orders sent (not drafts) with txnTime in `[from, to)`: the reconciliation's candidates. */
  async sentBetween(from: string, to: string): Promise<NojumpOrder[]> {
    const rows = await this.q
      .selectFrom('nojump_orders')
      .selectAll()
      .where('txn_time', '>=', from)
      .where('txn_time', '<', to)
      .where('status', '!=', 'DRAFT')
      .orderBy('txn_time')
      .orderBy('order_id')
      .execute()
    return rows.map(toOrder)
  }

  async reversalsOf(origOrderId: string): Promise<NojumpOrder[]> {
    const rows = await this.q
      .selectFrom('nojump_orders')
      .selectAll()
      .where('orig_order_id', '=', origOrderId)
      .orderBy('created_at')
      .orderBy('order_id')
      .execute()
    return rows.map(toOrder)
  }

  /** Voids or refunds sent and not settled yet (they count against what is left). */
  async pendingReversals(origOrderId: string, kind: 'refund' | 'any'): Promise<number> {
    const r = await this.q
      .selectFrom('nojump_orders')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('s'))
      .where('orig_order_id', '=', origOrderId)
      .where('status', '=', 'PENDING')
      .$if(kind === 'refund', (qb) => qb.where('kind', '=', 'refund'))
      .executeTakeFirst()
    return Number(r?.s ?? 0)
  }

  /** Inserts an order and its first event; a taken orderId throws (isUniqueViolation). */
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
  ): Promise<NojumpOrder> {
    const now = this.clock()
    return this.atomic(async () => {
      await this.q
        .insertInto('nojump_orders')
        .values({
          order_id: o.orderId,
          kind: o.kind,
          binding_id: o.bindingId ?? null,
          open_id: o.openId ?? null,
          txn_time: o.txnTime,
          amount: o.amount,
          status: o.status,
          orig_order_id: o.origOrderId ?? null,
          query_id: null,
          resp_code: null,
          resp_msg: null,
          description: o.description ?? null,
          next_check_at: o.nextCheckAt ?? null,
          created_at: now,
          updated_at: now,
          settled_at: null,
        })
        .execute()
      await this.event(o.orderId, null, o.status, source, null)
      return (await this.order(o.orderId)) as NojumpOrder
    })
  }

  /**
   * Moves an order once: the UPDATE only matches the expected current status, so a concurrent or
   * repeated move changes nothing and returns false. The event row is written in the same transaction.
   */
  move(
    orderId: string,
    to: NojumpStatus,
    source: string,
    detail: string | null,
    facts: { queryId?: string; respCode?: string; respMsg?: string; nextCheckAt?: number } = {},
  ): Promise<boolean> {
    return this.atomic(async () => {
      const cur = await this.lock(orderId)
      if (!cur) throw new Error(`no nojump order ${orderId}`)
      if (cur.status === to) return false
      if (!ORDER_MOVES[cur.status].includes(to)) throw new NojumpTransitionError(cur.status, to)
      const now = this.clock()
      const final = to !== 'PENDING'
      const r = await this.q
        .updateTable('nojump_orders')
        .set((eb) => ({
          status: to,
          query_id: facts.queryId ?? eb.ref('query_id'),
          resp_code: facts.respCode ?? eb.ref('resp_code'),
          resp_msg: facts.respMsg ?? eb.ref('resp_msg'),
          settled_at: final ? eb.fn.coalesce('settled_at', eb.val(now)) : eb.ref('settled_at'),
          next_check_at: final ? null : (facts.nextCheckAt ?? eb.ref('next_check_at')),
          updated_at: now,
        }))
        .where('order_id', '=', orderId)
        .where('status', '=', cur.status)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) return false
      await this.event(orderId, cur.status, to, source, detail)
      return true
    })
  }

  /** A settled refund adds to its consume's refunded amount (the CHECK caps it at the amount). */
  addRefunded(orderId: string, amount: number, refundOrderId: string): Promise<void> {
    return this.atomic(async () => {
      await this.q
        .updateTable('nojump_orders')
        .set((eb) => ({ refunded_amount: eb('refunded_amount', '+', amount), updated_at: this.clock() }))
        .where('order_id', '=', orderId)
        .execute()
      const cur = (await this.order(orderId)) as NojumpOrder
      await this.event(orderId, cur.status, cur.status, 'refund', `refunded ${amount} by ${refundOrderId}`)
    })
  }

  noteAnswer(orderId: string, respCode: string, respMsg: string, detail?: string): Promise<void> {
    return this.atomic(async () => {
      await this.q
        .updateTable('nojump_orders')
        .set({ resp_code: respCode, resp_msg: respMsg, updated_at: this.clock() })
        .where('order_id', '=', orderId)
        .execute()
      if (detail) {
        const cur = (await this.order(orderId)) as NojumpOrder
        await this.event(orderId, cur.status, cur.status, 'answer', detail)
      }
    })
  }

  /** The next order whose status query is due, claimed for `leaseMs` (check-queue.ts); null when none is due. */
  async claimNextDue(now: number, leaseMs: number): Promise<NojumpOrder | null> {
    const row = await claimNextRow(this.db, 'nojump_orders', now, leaseMs)
    return row ? toOrder(row) : null
  }

  scheduleCheck(orderId: string, nextCheckAt: number | null, needsReconciliation: boolean): Promise<void> {
    return scheduleCheckRow(this.db, 'nojump_orders', orderId, nextCheckAt, needsReconciliation, this.clock())
  }
}
