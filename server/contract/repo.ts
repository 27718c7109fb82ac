import type { Db } from '../store/db.ts'

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

interface Row {
  contract_code: string
  app_id: string
  open_id: string
  plan_id: string
  contract_id: string | null
  status: ContractStatus
  operate_time: string | null
  relieved_by: RelievedBy | null
  failure: string | null
  lease_until: number | null
  created_at: number
  updated_at: number
  signed_at: number | null
  relieved_at: number | null
}

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
 * The contract tables. Every state change is one transaction that updates the row and appends
 * its event, guarded by the status it expects, so two writers cannot both move a contract.
 */
export class ContractRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The live (applying or signed) contract of a user for a plan. */
  active(appId: string, openId: string, planId: string): ContractRecord | null {
    const row = this.db
      .prepare(
        `SELECT * FROM contracts WHERE app_id = ? AND open_id = ? AND plan_id = ? AND status IN ('applying', 'signed')`,
      )
      .get(appId, openId, planId) as Row | undefined
    return row ? toRecord(row) : null
  }

  /** `applying` rows whose attempt lease ran out (left by a crash or a lost answer), oldest first. */
  staleApplying(appId: string, limit: number): ContractRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM contracts WHERE app_id = ? AND status = 'applying' AND COALESCE(lease_until, 0) <= ?
         ORDER BY updated_at ASC LIMIT ?`,
      )
      .all(appId, this.clock(), limit) as Row[]
    return rows.map(toRecord)
  }

  /** The newest contract of a user for a plan, whatever its status. */
  latest(appId: string, openId: string, planId: string): ContractRecord | null {
    const row = this.db
      .prepare(
        `SELECT * FROM contracts WHERE app_id = ? AND open_id = ? AND plan_id = ?
         ORDER BY CASE WHEN status IN ('applying', 'signed') THEN 0 ELSE 1 END, updated_at DESC, rowid DESC LIMIT 1`,
      )
      .get(appId, openId, planId) as Row | undefined
    return row ? toRecord(row) : null
  }

  byCode(contractCode: string): ContractRecord | null {
    const row = this.db.prepare('SELECT * FROM contracts WHERE contract_code = ?').get(contractCode) as Row | undefined
    return row ? toRecord(row) : null
  }

  /** Contracts carrying this contractId (newest first). */
  byContractId(appId: string, contractId: string): ContractRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM contracts WHERE app_id = ? AND contract_id = ? ORDER BY updated_at DESC, rowid DESC')
        .all(appId, contractId) as Row[]
    ).map(toRecord)
  }

  events(
    contractCode: string,
  ): Array<{ at: number; from: string | null; to: string; source: string; detail: string | null }> {
    return (
      this.db
        .prepare(
          'SELECT at, from_status, to_status, source, detail FROM contract_events WHERE contract_code = ? ORDER BY id',
        )
        .all(contractCode) as Array<{
        at: number
        from_status: string | null
        to_status: string
        source: string
        detail: string | null
      }>
    ).map((e) => ({ at: e.at, from: e.from_status, to: e.to_status, source: e.source, detail: e.detail }))
  }

  /**
   * Records an attempt (status `applying`) unless the user already has a live contract for the
   * plan; returns the new row, or the live one with `created: false`.
   */
  startApply(input: {
    appId: string
    openId: string
    planId: string
    contractCode: string
    leaseMs: number
  }): { created: true; record: ContractRecord } | { created: false; record: ContractRecord } {
    return this.db
      .transaction(() => {
        const existing = this.active(input.appId, input.openId, input.planId)
        if (existing) return { created: false as const, record: existing }
        const now = this.clock()
        this.db
          .prepare(
            `INSERT INTO contracts (contract_code, app_id, open_id, plan_id, status, lease_until, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'applying', ?, ?, ?)`,
          )
          .run(input.contractCode, input.appId, input.openId, input.planId, now + input.leaseMs, now, now)
        this.event(input.contractCode, now, null, 'applying', 'apply', null)
        const record = this.byCode(input.contractCode)
        if (!record) throw new Error('contract row vanished inside its transaction')
        return { created: true as const, record }
      })
      .immediate()
  }

  /** Extends an `applying` row's lease for a new attempt; false when someone else holds it. */
  takeLease(contractCode: string, leaseMs: number): boolean {
    const now = this.clock()
    return (
      this.db
        .prepare(
          `UPDATE contracts SET lease_until = ?, updated_at = ? WHERE contract_code = ? AND status = 'applying'
           AND (lease_until IS NULL OR lease_until <= ?)`,
        )
        .run(now + leaseMs, now, contractCode, now).changes === 1
    )
  }

  /**
   * Moves a contract from one of `from` to `t.to` in one transaction with its event. Returns the
   * updated record, or null when the contract was not in an expected status (nothing written).
   */
  transition(contractCode: string, from: readonly ContractStatus[], t: Transition): ContractRecord | null {
    return this.db
      .transaction(() => {
        const current = this.byCode(contractCode)
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
        this.db
          .prepare(
            `UPDATE contracts SET status = ?, contract_id = ?, operate_time = ?, relieved_by = ?, failure = ?, lease_until = ?,
           updated_at = ?, signed_at = ?, relieved_at = ? WHERE contract_code = ?`,
          )
          .run(
            next.status,
            next.contractId,
            next.operateTime,
            next.relievedBy,
            next.failure,
            next.leaseUntil,
            next.updatedAt,
            next.signedAt,
            next.relievedAt,
            contractCode,
          )
        this.event(contractCode, now, current.status, t.to, t.source, t.detail ?? null)
        return next
      })
      .immediate()
  }

  /**
   * Handles a verified 解约结果通知 in one transaction: records it once (keyed by its signature)
   * and relieves the matching live contract. A repeated notification returns `duplicate` and
   * writes nothing.
   */
  applyNotification(n: NotificationRecord, expectedAppId: string): NotificationOutcome | 'duplicate' {
    return this.db
      .transaction((): NotificationOutcome | 'duplicate' => {
        const seen = this.db
          .prepare('SELECT 1 FROM contract_notifications WHERE signature_hash = ?')
          .get(n.signatureHash)
        if (seen) return 'duplicate'
        let outcome: NotificationOutcome
        if (!n.contractId || !n.openId || !n.appId) outcome = 'incomplete'
        else {
          const candidates = this.byContractId(n.appId, n.contractId)
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
              this.db
                .prepare(
                  `UPDATE contracts SET status = 'relieved', relieved_by = 'platform', relieved_at = ?, operate_time = ?,
                 lease_until = NULL, updated_at = ? WHERE contract_code = ?`,
                )
                .run(now, n.operateTime ?? live.operateTime, now, live.contractCode)
              this.event(live.contractCode, now, live.status, 'relieved', 'notify', n.operateTime)
              outcome = 'relieved'
            }
          }
        }
        this.db
          .prepare(
            `INSERT INTO contract_notifications (signature_hash, received_at, app_id, open_id, contract_id, operate_time, outcome, params)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            n.signatureHash,
            this.clock(),
            n.appId,
            n.openId,
            n.contractId,
            n.operateTime,
            outcome,
            JSON.stringify(n.params),
          )
        return outcome
      })
      .immediate()
  }

  notificationsFor(
    outcome?: NotificationOutcome,
  ): Array<{ contractId: string | null; outcome: string; receivedAt: number }> {
    const rows = (
      outcome
        ? this.db
            .prepare(
              'SELECT contract_id, outcome, received_at FROM contract_notifications WHERE outcome = ? ORDER BY received_at',
            )
            .all(outcome)
        : this.db
            .prepare('SELECT contract_id, outcome, received_at FROM contract_notifications ORDER BY received_at')
            .all()
    ) as Array<{ contract_id: string | null; outcome: string; received_at: number }>
    return rows.map((r) => ({ contractId: r.contract_id, outcome: r.outcome, receivedAt: r.received_at }))
  }

  private event(
    code: string,
    at: number,
    from: string | null,
    to: string,
    source: string,
    detail: string | null,
  ): void {
    this.db
      .prepare(
        'INSERT INTO contract_events (contract_code, at, from_status, to_status, source, detail) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(code, at, from, to, source, detail)
  }
}
