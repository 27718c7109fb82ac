import { sql, type Selectable } from 'kysely'
import { atomically, locksRows, type Db } from '../store/kysely-db.ts'
import type { Tables } from '../store/schema.ts'

export type ContractStatus = 'applying' | 'signed' | 'relieved' | 'failed'
export type RelievedBy = 'user' | 'platform'

export interface ContractRecord {
  contractCode: string
  appId: string
  openId: string
  planId: string
  contractId: string | null
  status: ContractStatus
  operateTime: string | null
  relievedBy: RelievedBy | null
  failure: string | null
  leaseUntil: number | null
  createdAt: number
  updatedAt: number
  signedAt: number | null
  relievedAt: number | null
}

type Row = Selectable<Tables['contracts']>

const toRecord = (r: Row): ContractRecord => ({
  contractCode: r.contract_code,
  appId: r.app_id,
  openId: r.open_id,
  planId: r.plan_id,
  contractId: r.contract_id,
  status: r.status,
  operateTime: r.operate_time,
  relievedBy: r.relieved_by,
  failure: r.failure,
  leaseUntil: r.lease_until,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  signedAt: r.signed_at,
  relievedAt: r.relieved_at,
})

const LIVE: ContractStatus[] = ['applying', 'signed']

export type NotificationOutcome = 'relieved' | 'already' | 'unknown' | 'mismatch' | 'incomplete' | 'stale'

export interface NotificationRecord {
  signatureHash: string
  appId: string | null
  openId: string | null
  contractId: string | null
  operateTime: string | null
  /** operateTime as epoch ms (Beijing time), when it parses. */
  operateAt: number | null
  params: Record<string, string>
}

/**
 * A notification whose operateTime is this much older than the contract's signing is about an
 * earlier contract (a late or replayed delivery, e.g. when a re-sign got the same contractId).
 */
const STALE_MS = 5 * 60_000

/** What changes when a contract moves on; `source` says who moved it (for the event log). */
export interface Transition {
  to: ContractStatus
  source: string
  contractId?: string | null
  operateTime?: string | null
  relievedBy?: RelievedBy
  failure?: string | null
  leaseUntil?: number | null
  detail?: string
}

/**
 * The contract tables. Every state change is one transaction that locks the row (PostgreSQL
 * `FOR UPDATE`; SQLite's BEGIN IMMEDIATE), checks the status it expects, updates it and appends
 * its event, so two writers — on any number of instances — cannot both move a contract.
 */
export class ContractRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Every contract of a user for a plan. */
  private ofUserPlan(appId: string, openId: string, planId: string) {
    return this.db
      .selectFrom('contracts')
      .selectAll()
      .where('app_id', '=', appId)
      .where('open_id', '=', openId)
      .where('plan_id', '=', planId)
  }

  /** The live (applying or signed) contract of a user for a plan. */
  async active(appId: string, openId: string, planId: string): Promise<ContractRecord | null> {
    const row = await this.ofUserPlan(appId, openId, planId).where('status', 'in', LIVE).executeTakeFirst()
    return row ? toRecord(row) : null
  }

  /** `applying` rows whose attempt lease ran out (left by a crash or a lost answer), oldest first. */
  async staleApplying(appId: string, limit: number): Promise<ContractRecord[]> {
    const rows = await this.db
      .selectFrom('contracts')
      .selectAll()
      .where('app_id', '=', appId)
      .where('status', '=', 'applying')
      .where((eb) => eb(eb.fn.coalesce('lease_until', sql.lit(0)), '<=', this.clock()))
      .orderBy('updated_at', 'asc')
      .limit(limit)
      .execute()
    return rows.map(toRecord)
  }

  /** The newest contract of a user for a plan, whatever its status. */
  async latest(appId: string, openId: string, planId: string): Promise<ContractRecord | null> {
    const row = await this.ofUserPlan(appId, openId, planId)
      .orderBy(sql`CASE WHEN status IN ('applying', 'signed') THEN 0 ELSE 1 END`)
      .orderBy('updated_at', 'desc')
      .orderBy('rowid', 'desc')
      .limit(1)
      .executeTakeFirst()
    return row ? toRecord(row) : null
  }

  async byCode(contractCode: string): Promise<ContractRecord | null> {
    const row = await this.db
      .selectFrom('contracts')
      .selectAll()
      .where('contract_code', '=', contractCode)
      .executeTakeFirst()
    return row ? toRecord(row) : null
  }

  /** Contracts carrying this contractId (newest first). */
  async byContractId(appId: string, contractId: string): Promise<ContractRecord[]> {
    const rows = await this.db
      .selectFrom('contracts')
      .selectAll()
      .where('app_id', '=', appId)
      .where('contract_id', '=', contractId)
      .$if(locksRows(this.db) && this.db.isTransaction, (qb) => qb.forUpdate())
      .orderBy('updated_at', 'desc')
      .orderBy('rowid', 'desc')
      .execute()
    return rows.map(toRecord)
  }

  async events(
    contractCode: string,
  ): Promise<Array<{ at: number; from: string | null; to: string; source: string; detail: string | null }>> {
    const rows = await this.db
      .selectFrom('contract_events')
      .select(['at', 'from_status', 'to_status', 'source', 'detail'])
      .where('contract_code', '=', contractCode)
      .orderBy('id')
      .execute()
    return rows.map((e) => ({ at: e.at, from: e.from_status, to: e.to_status, source: e.source, detail: e.detail }))
  }

  /**
   * Records an attempt (status `applying`) unless the user already has a live contract for the
   * plan; returns the new row, or the live one with `created: false`. The partial unique index
   * `contracts_active` decides between concurrent attempts (ON CONFLICT … DO NOTHING), not a read.
   */
  async startApply(input: {
    appId: string
    openId: string
    planId: string
    contractCode: string
    leaseMs: number
  }): Promise<{ created: true; record: ContractRecord } | { created: false; record: ContractRecord }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await atomically(this.db, async (trx) => {
        const now = this.clock()
        const inserted = await trx
          .insertInto('contracts')
          .values({
            contract_code: input.contractCode,
            app_id: input.appId,
            open_id: input.openId,
            plan_id: input.planId,
            status: 'applying',
            lease_until: now + input.leaseMs,
            created_at: now,
            updated_at: now,
            contract_id: null,
            operate_time: null,
            relieved_by: null,
            failure: null,
            signed_at: null,
            relieved_at: null,
          })
          .onConflict((oc) =>
            // the partial index's own predicate, literally: SQLite only matches it that way
            oc
              .columns(['app_id', 'open_id', 'plan_id'])
              .where(sql<boolean>`status IN ('applying', 'signed')`)
              .doNothing(),
          )
          .returningAll()
          .executeTakeFirst()
        if (inserted) {
          await this.event(trx, input.contractCode, now, null, 'applying', 'apply', null)
          return { created: true as const, record: toRecord(inserted) }
        }
        const live = await new ContractRepo(trx, this.clock).active(input.appId, input.openId, input.planId)
        return live ? { created: false as const, record: live } : null
      })
      // null: the live row that blocked us ended in between; try again
      if (result) return result
    }
    throw new Error(`contract attempt for ${input.openId}/${input.planId} kept racing`)
  }

  /** Extends an `applying` row's lease for a new attempt; false when someone else holds it. */
  async takeLease(contractCode: string, leaseMs: number): Promise<boolean> {
    const now = this.clock()
    const r = await this.db
      .updateTable('contracts')
      .set({ lease_until: now + leaseMs, updated_at: now })
      .where('contract_code', '=', contractCode)
      .where('status', '=', 'applying')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  /**
   * Moves a contract from one of `from` to `t.to` in one transaction with its event. Returns the
   * updated record, or null when the contract was not in an expected status (nothing written).
   */
  transition(contractCode: string, from: readonly ContractStatus[], t: Transition): Promise<ContractRecord | null> {
    return atomically(this.db, async (trx) => {
      const row = await trx
        .selectFrom('contracts')
        .selectAll()
        .where('contract_code', '=', contractCode)
        .$if(locksRows(trx), (qb) => qb.forUpdate())
        .executeTakeFirst()
      const current = row ? toRecord(row) : null
      if (!current || !from.includes(current.status)) return null
      const now = this.clock()
      const next: ContractRecord = {
        ...current,
        status: t.to,
        contractId: t.contractId !== undefined ? t.contractId : current.contractId,
        operateTime: t.operateTime !== undefined ? t.operateTime : current.operateTime,
        relievedBy: t.relievedBy ?? current.relievedBy,
        failure: t.failure !== undefined ? t.failure : current.failure,
        leaseUntil: t.leaseUntil !== undefined ? t.leaseUntil : t.to === 'applying' ? current.leaseUntil : null,
        updatedAt: now,
        signedAt: t.to === 'signed' && current.status !== 'signed' ? now : current.signedAt,
        relievedAt: t.to === 'relieved' && current.status !== 'relieved' ? now : current.relievedAt,
      }
      await trx
        .updateTable('contracts')
        .set({
          status: next.status,
          contract_id: next.contractId,
          operate_time: next.operateTime,
          relieved_by: next.relievedBy,
          failure: next.failure,
          lease_until: next.leaseUntil,
          updated_at: next.updatedAt,
          signed_at: next.signedAt,
          relieved_at: next.relievedAt,
        })
        .where('contract_code', '=', contractCode)
        .execute()
      await this.event(trx, contractCode, now, current.status, t.to, t.source, t.detail ?? null)
      return next
    })
  }

  /**
   * Handles a verified 解约结果通知 in one transaction: records it once (keyed by its signature:
   * the insert decides, so concurrent deliveries on several instances apply it once) and relieves
   * the matching live contract. A repeated notification returns `duplicate` and writes nothing.
   */
  applyNotification(n: NotificationRecord, expectedAppId: string): Promise<NotificationOutcome | 'duplicate'> {
    return atomically(this.db, async (trx): Promise<NotificationOutcome | 'duplicate'> => {
      const claimed = await trx
        .insertInto('contract_notifications')
        .values({
          signature_hash: n.signatureHash,
          received_at: this.clock(),
          app_id: n.appId,
          open_id: n.openId,
          contract_id: n.contractId,
          operate_time: n.operateTime,
          outcome: 'pending',
          params: JSON.stringify(n.params),
        })
        .onConflict((oc) => oc.column('signature_hash').doNothing())
        .executeTakeFirst()
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) return 'duplicate'
      let outcome: NotificationOutcome
      if (!n.contractId || !n.openId || !n.appId) outcome = 'incomplete'
      else {
        const candidates = await new ContractRepo(trx, this.clock).byContractId(n.appId, n.contractId)
        if (candidates.length === 0) outcome = n.appId === expectedAppId ? 'unknown' : 'mismatch'
        else {
          const mine = candidates.filter((c) => c.openId === n.openId)
          const live = mine.find((c) => c.status === 'signed' || c.status === 'applying')
          if (mine.length === 0) outcome = 'mismatch'
          else if (!live) outcome = 'already'
          else if (n.operateAt !== null && live.signedAt !== null && n.operateAt < live.signedAt - STALE_MS)
            outcome = 'stale'
          else {
            const now = this.clock()
            await trx
              .updateTable('contracts')
              .set({
                status: 'relieved',
                relieved_by: 'platform',
                relieved_at: now,
                operate_time: n.operateTime ?? live.operateTime,
                lease_until: null,
                updated_at: now,
              })
              .where('contract_code', '=', live.contractCode)
              .execute()
            await this.event(trx, live.contractCode, now, live.status, 'relieved', 'notify', n.operateTime)
            outcome = 'relieved'
          }
        }
      }
      await trx
        .updateTable('contract_notifications')
        .set({ outcome })
        .where('signature_hash', '=', n.signatureHash)
        .execute()
      return outcome
    })
  }

  async notificationsFor(
    outcome?: NotificationOutcome,
  ): Promise<Array<{ contractId: string | null; outcome: string; receivedAt: number }>> {
    const rows = await this.db
      .selectFrom('contract_notifications')
      .select(['contract_id', 'outcome', 'received_at'])
      .$if(outcome !== undefined, (qb) => qb.where('outcome', '=', outcome ?? ''))
      .orderBy('received_at')
      .orderBy('rowid')
      .execute()
    return rows.map((r) => ({ contractId: r.contract_id, outcome: r.outcome, receivedAt: r.received_at }))
  }

  private async event(
    trx: Db,
    code: string,
    at: number,
    from: string | null,
    to: string,
    source: string,
    detail: string | null,
  ): Promise<void> {
    await trx
      .insertInto('contract_events')
      .values({ contract_code: code, at, from_status: from, to_status: to, source, detail })
      .execute()
  }
}
