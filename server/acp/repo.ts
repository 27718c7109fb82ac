import type { Selectable } from 'kysely'
import { lockKey } from '../store/kysely-db.ts'
import { lockingRead, Repository, type StatusEvent } from '../store/repository.ts'
import type { Tables } from '../store/schema.ts'
import { claimNextRow, scheduleCheckRow } from './check-queue.ts'

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

export type AcpEvent = StatusEvent

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

type Row = Selectable<Tables['acp_orders']>

function toOrder(r: Row): AcpOrder {
  return {
    orderId: r.order_id,
    kind: r.kind,
    txnTime: r.txn_time,
    amount: Number(r.amount),
    status: r.status,
    refundedAmount: Number(r.refunded_amount),
    origOrderId: r.orig_order_id,
    queryId: r.query_id,
    respCode: r.resp_code,
    respMsg: r.resp_msg,
    payOrderId: r.pay_order_id,
    openId: r.open_id,
    contractId: r.contract_id,
    planId: r.plan_id,
    idempotencyKey: r.idempotency_key,
    description: r.description,
    checkCount: Number(r.check_count),
    nextCheckAt: r.next_check_at === null ? null : Number(r.next_check_at),
    needsReconciliation: Number(r.needs_reconciliation) === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    settledAt: r.settled_at === null ? null : Number(r.settled_at),
  }
}

type SignedContract = { contractId: string; planId: string; openId: string }

/**
 * 全渠道 records (SQLite or PostgreSQL through the query builder): orders (consumes, voids,
 * refunds), their events, verified notifications. Every query joins the caller's `atomic`.
 */
export class AcpRepo extends Repository {
  protected readonly eventTable = 'acp_events'

  async get(orderId: string): Promise<AcpOrder | null> {
    const r = await this.q.selectFrom('acp_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst()
    return r ? toOrder(r) : null
  }

  /** Inside `atomic`: the order, its row locked until the transaction ends (PostgreSQL FOR UPDATE). */
  async lock(orderId: string): Promise<AcpOrder | null> {
    const q = this.q
    const r = await q
      .selectFrom('acp_orders')
      .selectAll()
      .where('order_id', '=', orderId)
      .$if(lockingRead(q), (qb) => qb.forUpdate())
      .executeTakeFirst()
    return r ? toOrder(r) : null
  }

  /** Inside `atomic`: serialises the charges of one contract (the daily limit is a sum of rows). */
  lockContract(contractId: string): Promise<void> {
    return lockKey(this.q, `acp-contract:${contractId}`)
  }

  async byIdempotencyKey(key: string): Promise<AcpOrder | null> {
    const r = await this.q.selectFrom('acp_orders').selectAll().where('idempotency_key', '=', key).executeTakeFirst()
    return r ? toOrder(r) : null
  }

  async reversalsOf(origOrderId: string): Promise<AcpOrder[]> {
    const rows = await this.q
      .selectFrom('acp_orders')
      .selectAll()
      .where('orig_order_id', '=', origOrderId)
      .orderBy('created_at')
      .orderBy('order_id')
      .execute()
    return rows.map(toOrder)
  }

  async listByOpenId(openId: string, limit = 50): Promise<AcpOrder[]> {
    const rows = await this.q
      .selectFrom('acp_orders')
      .selectAll()
      .where('open_id', '=', openId)
      .where('kind', '=', 'contract')
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute()
    return rows.map(toOrder)
  }

  async listConsumes(limit = 100): Promise<AcpOrder[]> {
    const rows = await this.q
      .selectFrom('acp_orders')
      .selectAll()
      .where('kind', 'in', ['tn', 'contract'])
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute()
    return rows.map(toOrder)
  }

  /**
   * Orders sent in `[from, to)` (txnTime strings), plus tn consumes still PENDING sent in
   * `[laterFrom, from)` (the buyer may pay after the cut-off): the reconciliation's candidates.
   */
  async sentBetween(from: string, to: string, laterFrom: string): Promise<AcpOrder[]> {
    const rows = await this.q
      .selectFrom('acp_orders')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('txn_time', '>=', from), eb('txn_time', '<', to)]),
          eb.and([
            eb('kind', '=', 'tn'),
            eb('status', '=', 'PENDING'),
            eb('txn_time', '>=', laterFrom),
            eb('txn_time', '<', from),
          ]),
        ]),
      )
      .orderBy('txn_time')
      .orderBy('order_id')
      .execute()
    return rows.map(toOrder)
  }

  /** What a contract has been charged (pending or done) since `since` (ms). */
  async chargedSince(contractId: string, since: number): Promise<number> {
    const r = await this.q
      .selectFrom('acp_orders')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('s'))
      .where('kind', '=', 'contract')
      .where('contract_id', '=', contractId)
      .where('status', 'in', ['PENDING', 'SUCCESS'])
      .where('created_at', '>=', since)
      .executeTakeFirst()
    return Number(r?.s ?? 0)
  }

  async pendingReversals(origOrderId: string, kind: 'void' | 'refund' | 'any'): Promise<number> {
    const r = await this.q
      .selectFrom('acp_orders')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('s'))
      .where('orig_order_id', '=', origOrderId)
      .where('status', '=', 'PENDING')
      .$if(kind !== 'any', (qb) => qb.where('kind', '=', kind as 'void' | 'refund'))
      .executeTakeFirst()
    return Number(r?.s ?? 0)
  }

  /** Inserts a PENDING order and its first event; a taken orderId or idempotency key throws (isUniqueViolation). */
  insert(o: NewAcpOrder, source: string): Promise<AcpOrder> {
    const now = this.clock()
    return this.atomic(async () => {
      await this.q
        .insertInto('acp_orders')
        .values({
          order_id: o.orderId,
          kind: o.kind,
          txn_time: o.txnTime,
          amount: o.amount,
          status: 'PENDING',
          orig_order_id: o.origOrderId ?? null,
          pay_order_id: o.payOrderId ?? null,
          open_id: o.openId ?? null,
          contract_id: o.contractId ?? null,
          plan_id: o.planId ?? null,
          idempotency_key: o.idempotencyKey ?? null,
          description: o.description ?? null,
          next_check_at: o.nextCheckAt ?? null,
          created_at: now,
          updated_at: now,
          query_id: null,
          resp_code: null,
          resp_msg: null,
          settled_at: null,
        })
        .execute()
      await this.event(o.orderId, null, 'PENDING', source, null, now)
      return (await this.get(o.orderId)) as AcpOrder
    })
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
  ): Promise<boolean> {
    return this.atomic(async () => {
      const cur = await this.lock(orderId)
      if (!cur) throw new Error(`no acp order ${orderId}`)
      if (cur.status === to) return false
      if (!MOVES[cur.status].includes(to)) throw new AcpTransitionError(cur.status, to)
      const now = this.clock()
      const r = await this.q
        .updateTable('acp_orders')
        .set((eb) => ({
          status: to,
          query_id: facts.queryId ?? eb.ref('query_id'),
          resp_code: facts.respCode ?? eb.ref('resp_code'),
          resp_msg: facts.respMsg ?? eb.ref('resp_msg'),
          settled_at: eb.fn.coalesce('settled_at', eb.val(now)),
          next_check_at: to === 'SUCCESS' || to === 'FAILED' ? null : eb.ref('next_check_at'),
          needs_reconciliation: to === 'SUCCESS' || to === 'FAILED' ? 0 : eb.ref('needs_reconciliation'),
          updated_at: now,
        }))
        .where('order_id', '=', orderId)
        .where('status', '=', cur.status)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) return false
      await this.event(orderId, cur.status, to, source, detail, now)
      return true
    })
  }

  /** A settled refund adds to its consume's refunded amount (the CHECK caps it at the amount). */
  addRefunded(orderId: string, amount: number, refundOrderId: string): Promise<void> {
    return this.atomic(async () => {
      const now = this.clock()
      await this.q
        .updateTable('acp_orders')
        .set((eb) => ({ refunded_amount: eb('refunded_amount', '+', amount), updated_at: now }))
        .where('order_id', '=', orderId)
        .execute()
      const cur = (await this.get(orderId)) as AcpOrder
      await this.event(orderId, cur.status, cur.status, 'refund', `refunded ${amount} by ${refundOrderId}`, now)
    })
  }

  async noteAnswer(orderId: string, respCode: string, respMsg: string): Promise<void> {
    await this.q
      .updateTable('acp_orders')
      .set({ resp_code: respCode, resp_msg: respMsg, updated_at: this.clock() })
      .where('order_id', '=', orderId)
      .execute()
  }

  /** Orders whose next query is due, claimed for `leaseMs` so that other instances skip them. */
  /** The next order whose status query is due, claimed for `leaseMs` (check-queue.ts); null when none is due. */
  async claimNextDue(now: number, leaseMs: number): Promise<AcpOrder | null> {
    const row = await claimNextRow(this.db, 'acp_orders', now, leaseMs)
    return row ? toOrder(row) : null
  }

  scheduleCheck(orderId: string, nextCheckAt: number | null, needsReconciliation: boolean): Promise<void> {
    return scheduleCheckRow(this.db, 'acp_orders', orderId, nextCheckAt, needsReconciliation, this.clock())
  }

  /** Stores a verified notification once (the primary key decides); false when it was stored before. */
  async recordNotification(n: {
    signatureHash: string
    orderId: string
    txnType: string
    respCode: string
    outcome: string
    params: string
  }): Promise<boolean> {
    const r = await this.q
      .insertInto('acp_notifications')
      .values({
        signature_hash: n.signatureHash,
        order_id: n.orderId,
        txn_type: n.txnType,
        resp_code: n.respCode,
        outcome: n.outcome,
        params: n.params,
        received_at: this.clock(),
      })
      .onConflict((oc) => oc.column('signature_hash').doNothing())
      .executeTakeFirst()
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1
  }

  async setNotificationOutcome(signatureHash: string, outcome: string): Promise<void> {
    await this.q.updateTable('acp_notifications').set({ outcome }).where('signature_hash', '=', signatureHash).execute()
  }

  async notificationCount(orderId: string): Promise<number> {
    const rows = await this.q
      .selectFrom('acp_notifications')
      .select('signature_hash')
      .where('order_id', '=', orderId)
      .execute()
    return rows.length
  }

  /** Signed 无感支付 contracts (read from the contract feature's table) for the merchant page. */
  async signedContracts(appId: string, limit = 50): Promise<SignedContract[]> {
    const rows = await this.q
      .selectFrom('contracts')
      .select(['contract_id', 'plan_id', 'open_id'])
      .where('app_id', '=', appId)
      .where('status', '=', 'signed')
      .where('contract_id', 'is not', null)
      .orderBy('signed_at', 'desc')
      .limit(limit)
      .execute()
    return rows.map((r) => ({ contractId: String(r.contract_id), planId: r.plan_id, openId: r.open_id }))
  }

  async signedContract(appId: string, contractId: string): Promise<SignedContract | null> {
    const r = await this.q
      .selectFrom('contracts')
      .select(['contract_id', 'plan_id', 'open_id'])
      .where('app_id', '=', appId)
      .where('contract_id', '=', contractId)
      .where('status', '=', 'signed')
      .executeTakeFirst()
    return r ? { contractId: String(r.contract_id), planId: r.plan_id, openId: r.open_id } : null
  }
}
