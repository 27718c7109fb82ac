import type { Selectable } from 'kysely'
import { lockingRead, Repository, type StatusEvent } from '../../store/repository.ts'
import type { Tables } from '../../store/schema.ts'
import { claimNextRow, scheduleCheckRow } from '../check-queue.ts'

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

export type PreauthEvent = StatusEvent

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

type Row = Selectable<Tables['preauth_orders']>
const num = (v: number | null) => (v === null ? null : Number(v))

const toOrder = (r: Row): PreauthOrder => ({
  orderId: r.order_id,
  kind: r.kind,
  bindingId: r.binding_id,
  openId: r.open_id,
  txnTime: r.txn_time,
  amount: Number(r.amount),
  status: r.status,
  origOrderId: r.orig_order_id,
  queryId: r.query_id,
  respCode: r.resp_code,
  respMsg: r.resp_msg,
  checkCount: Number(r.check_count),
  nextCheckAt: num(r.next_check_at),
  needsReconciliation: Number(r.needs_reconciliation) === 1,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  settledAt: num(r.settled_at),
})

/**
 * Pre-authorisation records (migration 013; SQLite or PostgreSQL through the query builder):
 * holds, their voids and completions, events. Every query joins the caller's `atomic`.
 */
export class PreauthRepo extends Repository {
  protected readonly eventTable = 'preauth_events'

  async get(orderId: string): Promise<PreauthOrder | null> {
    const r = await this.q.selectFrom('preauth_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst()
    return r ? toOrder(r) : null
  }

  /** Inside `atomic`: the order, its row locked until the transaction ends (PostgreSQL FOR UPDATE). */
  async lock(orderId: string): Promise<PreauthOrder | null> {
    const q = this.q
    const r = await q
      .selectFrom('preauth_orders')
      .selectAll()
      .where('order_id', '=', orderId)
      .$if(lockingRead(q), (qb) => qb.forUpdate())
      .executeTakeFirst()
    return r ? toOrder(r) : null
  }

  async holdsOf(openId: string, limit = 20): Promise<PreauthOrder[]> {
    const rows = await this.q
      .selectFrom('preauth_orders')
      .selectAll()
      .where('open_id', '=', openId)
      .where('kind', '=', 'hold')
      .orderBy('created_at', 'desc')
      .orderBy('order_id', 'desc')
      .limit(limit)
      .execute()
    return rows.map(toOrder)
  }

  /** What acts on `orderId` (voids, completions), oldest first. */
  async followUps(orderId: string): Promise<PreauthOrder[]> {
    const rows = await this.q
      .selectFrom('preauth_orders')
      .selectAll()
      .where('orig_order_id', '=', orderId)
      .orderBy('created_at')
      .orderBy('order_id')
      .execute()
    return rows.map(toOrder)
  }

  async sentBetween(from: string, to: string): Promise<PreauthOrder[]> {
    const rows = await this.q
      .selectFrom('preauth_orders')
      .selectAll()
      .where('txn_time', '>=', from)
      .where('txn_time', '<', to)
      .orderBy('txn_time')
      .orderBy('order_id')
      .execute()
    return rows.map(toOrder)
  }

  /** Inserts a PENDING order and its first event; a taken orderId throws (isUniqueViolation). */
  insert(o: {
    orderId: string
    kind: PreauthKind
    bindingId: string
    openId: string
    txnTime: string
    amount: number
    origOrderId?: string
    nextCheckAt: number
  }): Promise<PreauthOrder> {
    const now = this.clock()
    return this.atomic(async () => {
      await this.q
        .insertInto('preauth_orders')
        .values({
          order_id: o.orderId,
          kind: o.kind,
          binding_id: o.bindingId,
          open_id: o.openId,
          txn_time: o.txnTime,
          amount: o.amount,
          status: 'PENDING',
          orig_order_id: o.origOrderId ?? null,
          query_id: null,
          resp_code: null,
          resp_msg: null,
          next_check_at: o.nextCheckAt,
          created_at: now,
          updated_at: now,
          settled_at: null,
        })
        .execute()
      await this.event(o.orderId, null, 'PENDING', o.kind, null)
      return (await this.get(o.orderId)) as PreauthOrder
    })
  }

  /** Moves an order once (status-guarded; a repeated move answers false), with its event. */
  move(
    orderId: string,
    to: PreauthStatus,
    source: string,
    detail: string | null,
    facts: { queryId?: string; respCode?: string; respMsg?: string } = {},
  ): Promise<boolean> {
    return this.atomic(async () => {
      const cur = await this.lock(orderId)
      if (!cur) throw new Error(`no preauth order ${orderId}`)
      if (cur.status === to) return false
      if (!MOVES[cur.status].includes(to)) throw new PreauthTransitionError(cur.status, to)
      const now = this.clock()
      const r = await this.q
        .updateTable('preauth_orders')
        .set((eb) => ({
          status: to,
          ...(facts.queryId !== undefined ? { query_id: facts.queryId } : {}),
          ...(facts.respCode !== undefined ? { resp_code: facts.respCode } : {}),
          ...(facts.respMsg !== undefined ? { resp_msg: facts.respMsg } : {}),
          settled_at: eb.fn.coalesce('settled_at', eb.val(now)),
          next_check_at: null,
          needs_reconciliation: 0,
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

  async noteAnswer(orderId: string, respCode: string, respMsg: string): Promise<void> {
    await this.q
      .updateTable('preauth_orders')
      .set({ resp_code: respCode, resp_msg: respMsg, updated_at: this.clock() })
      .where('order_id', '=', orderId)
      .execute()
  }

  /** The next order whose status query is due, claimed for `leaseMs` (check-queue.ts); null when none is due. */
  async claimNextDue(now: number, leaseMs: number): Promise<PreauthOrder | null> {
    const row = await claimNextRow(this.db, 'preauth_orders', now, leaseMs)
    return row ? toOrder(row) : null
  }

  scheduleCheck(orderId: string, nextCheckAt: number | null, needsReconciliation: boolean): Promise<void> {
    return scheduleCheckRow(this.db, 'preauth_orders', orderId, nextCheckAt, needsReconciliation, this.clock())
  }
}
