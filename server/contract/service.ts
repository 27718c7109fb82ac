import { randomInt, type KeyObject } from 'node:crypto'
import { DomainError } from '../errors.ts'
import { compactTimestamp, requestTimestamp } from '../time.ts'
import type { ContractApi, InfoResult, StatusResult } from '../unionpay/contract.ts'
import { UnionpayError } from '../unionpay/errors.ts'
import { CONTRACT_RELIEVE_FIELDS, missingFields, staleness } from '../unionpay/notify-guard.ts'
import { notificationRecord, verifiedParams, type NotifyParams } from './notify.ts'
import type { ContractRecord, ContractRepo, NotificationOutcome } from './repo.ts'

export interface ContractServiceOptions {
  repo: ContractRepo
  api: ContractApi
  appId: string
  clock?: () => number
  /**
   * How long an `applying` row belongs to the attempt that wrote it; after that the next attempt
   * (or a read) reconciles it with contract.info. Longer than the platform call timeout.
   * @default 30_000
   */
  leaseMs?: number
  /** upPublicKey, to verify the 解约结果通知; null (the default) refuses every notification. */
  upPublicKey?: KeyObject | null
  /** Test seam: runs after contract.apply answered and before the answer is stored. */
  afterApply?: (record: ContractRecord) => void | Promise<void>
}

export type SignOutcome = { kind: 'signed' | 'already' | 'reconciled'; record: ContractRecord }

/** 22 digits: Beijing-time yyyyMMddHHmmss and 8 random digits (unique per attempt, enforced by the table). */
export function newContractCode(now: number): string {
  return `${compactTimestamp(now)}${String(randomInt(100_000_000)).padStart(8, '0')}`
}

/** Beijing time `yyyy-MM-dd HH:mm:ss`, for operateTime when the platform gives none. */
export const beijingTime = requestTimestamp

/**
 * The 无感支付 lifecycle on our side: sign (record the attempt, then contract.apply, then store),
 * relieve, and reconcile local rows with contract.info. A user never gets two live contracts
 * for one plan, and an attempt whose answer was lost is settled by asking the platform.
 */
export class ContractService {
  private readonly clock: () => number
  private readonly leaseMs: number

  constructor(private readonly options: ContractServiceOptions) {
    this.clock = options.clock ?? Date.now
    this.leaseMs = options.leaseMs ?? 30_000
  }

  private get repo(): ContractRepo {
    return this.options.repo
  }

  async sign(input: { openId: string; accessToken: string; planId: string }): Promise<SignOutcome> {
    const { appId } = this.options
    const start = await this.repo.startApply({
      appId,
      openId: input.openId,
      planId: input.planId,
      contractCode: newContractCode(this.clock()),
      leaseMs: this.leaseMs,
    })
    let record = start.record
    if (!start.created) {
      if (record.status === 'signed') return { kind: 'already', record }
      if (!(await this.repo.takeLease(record.contractCode, this.leaseMs))) {
        throw new DomainError('conflict', 'CONTRACT_BUSY', '上一次签约仍在处理中，请稍候刷新查看结果')
      }
      const info = await this.api.info({ openId: input.openId, planId: input.planId })
      if (info.status === 'signed' && info.contractId) {
        const signed = await this.adopt(record, info.contractId, 'reconcile')
        if (signed) return { kind: 'reconciled', record: signed }
      }
      // The lost attempt did not sign: try again with the same contractCode.
    }

    let result
    try {
      result = await this.api.apply({
        accessToken: input.accessToken,
        openId: input.openId,
        planId: input.planId,
        contractCode: record.contractCode,
      })
    } catch (err) {
      if (err instanceof UnionpayError && err.kind === 'platform') {
        // A definite refusal. The platform may still hold a contract (e.g. signed earlier): ask once.
        const info = await this.safeInfo(input.openId, input.planId)
        if (info?.status === 'signed' && info.contractId) {
          const signed = await this.adopt(record, info.contractId, 'reconcile')
          if (signed) return { kind: 'reconciled', record: signed }
        }
        await this.repo.transition(record.contractCode, ['applying'], {
          to: 'failed',
          source: 'apply',
          failure: `${err.resp} ${err.msg || err.meaning}`.trim(),
        })
      }
      // Timeouts and network errors leave the row `applying`: its fate is settled by contract.info later.
      throw err
    }
    await this.options.afterApply?.(record)
    const signed = await this.repo.transition(record.contractCode, ['applying'], {
      to: 'signed',
      source: 'apply',
      contractId: result.contractId,
      operateTime: result.operateTime ?? beijingTime(this.clock()),
    })
    record = signed ?? (await this.repo.byCode(record.contractCode)) ?? record
    return { kind: 'signed', record }
  }

  /** The plan to relieve when the user names none: their one signed plan (none or several is refused). */
  async signedPlan(openId: string, plans: readonly string[]): Promise<string> {
    const live = await Promise.all(plans.map((p) => this.repo.active(this.options.appId, openId, p)))
    const signed = plans.filter((_p, i) => live[i]?.status === 'signed')
    if (signed.length === 0) throw new DomainError('not_found', 'NO_CONTRACT', '没有已开通的无感支付，无需关闭')
    if (signed.length > 1) throw new DomainError('invalid', 'PLAN_REQUIRED', '开通了多个签约模板，请指定 planId')
    return signed[0] as string
  }

  async relieve(input: { openId: string; planId: string }): Promise<ContractRecord> {
    const current = await this.repo.active(this.options.appId, input.openId, input.planId)
    if (!current || current.status !== 'signed' || !current.contractId) {
      throw new DomainError('not_found', 'NO_CONTRACT', '没有已开通的无感支付，无需关闭')
    }
    const contractId = current.contractId
    let operateTime: string | null
    try {
      operateTime = (
        await this.api.relieve({
          openId: input.openId,
          contractId,
          planId: input.planId,
          contractCode: current.contractCode,
        })
      ).operateTime
    } catch (err) {
      if (err instanceof UnionpayError && err.kind === 'platform') {
        const info = await this.safeInfo(input.openId, input.planId)
        if (info && info.status !== 'signed') {
          const done = await this.repo.transition(current.contractCode, ['signed'], {
            to: 'relieved',
            source: 'reconcile',
            relievedBy: 'platform',
            detail: `relieve answered ${err.resp}; contract.info says ${info.raw || '未签约'}`,
          })
          if (done) return done
        }
      }
      throw err
    }
    const done = await this.repo.transition(current.contractCode, ['signed'], {
      to: 'relieved',
      source: 'relieve',
      relievedBy: 'user',
      operateTime: operateTime ?? beijingTime(this.clock()),
    })
    return done ?? (await this.repo.byCode(current.contractCode)) ?? current
  }

  /** 用户状态查询 (contract.status): unfinished orders of the user. */
  status(openId: string): Promise<StatusResult> {
    return this.api.status({ openId })
  }

  /**
   * The 解约结果通知 (5.4.3): verifies the signature (both readings of `+`, see verifiedParams),
   * then applies it exactly once. `answer` is what the platform is told: `01` when unverifiable.
   */
  async handleNotification(params: NotifyParams | null): Promise<{
    answer: '00' | '01'
    outcome: NotificationOutcome | 'duplicate' | 'unverified' | 'expired'
  }> {
    const key = this.options.upPublicKey ?? null
    const verified = params && key ? verifiedParams(params, key) : null
    if (!verified) return { answer: '01', outcome: 'unverified' }
    // Seed 003 5.4.3.3's fields, and a fresh signed timestamp (replays inside the window are caught
    // by the receipt written with the effect, keyed by the signature's bytes).
    if (missingFields(verified, CONTRACT_RELIEVE_FIELDS).length > 0) return { answer: '01', outcome: 'incomplete' }
    if (staleness(verified.timestamp, this.clock()) !== null) return { answer: '01', outcome: 'expired' }
    return {
      answer: '00',
      outcome: await this.repo.applyNotification(notificationRecord(verified), this.options.appId),
    }
  }

  /**
   * The user's newest contract for a plan, after settling an `applying` row whose lease ran out
   * and, with `checkPlatform`, comparing a signed row with contract.info.
   */
  async view(
    openId: string,
    planId: string,
    checkPlatform: boolean,
  ): Promise<{ record: ContractRecord | null; platform: InfoResult | null }> {
    let record = await this.repo.latest(this.options.appId, openId, planId)
    let platform: InfoResult | null = null
    // a stale attempt is settled by whoever takes its lease (one instance at a time)
    const stale =
      record?.status === 'applying' &&
      (record.leaseUntil ?? 0) <= this.clock() &&
      (await this.repo.takeLease(record.contractCode, this.leaseMs))
    if (record && (stale || (checkPlatform && record.status === 'signed'))) {
      platform = await this.api.info({ openId, planId })
      record = (await this.settle(record, platform)) ?? (await this.repo.byCode(record.contractCode)) ?? record
    } else if (checkPlatform) {
      platform = await this.api.info({ openId, planId })
    }
    return { record, platform }
  }

  /**
   * Settles `applying` rows left behind (a crash between contract.apply and storing its answer)
   * through contract.info, at most `limit` per run so the platform budget stays untouched.
   * Returns how many were settled; a failing lookup leaves its row for the next run (after its
   * lease). Each row is leased before contract.info, so N instances sweeping at once never ask
   * about the same contract together.
   */
  async sweepStale(limit = 10): Promise<number> {
    let settled = 0
    for (const record of await this.repo.staleApplying(this.options.appId, limit)) {
      if (!(await this.repo.takeLease(record.contractCode, this.leaseMs))) continue
      const info = await this.safeInfo(record.openId, record.planId)
      if (info && (await this.settle(record, info))) settled++
    }
    return settled
  }

  /** Brings a local row in line with contract.info; null when nothing changed. */
  private settle(record: ContractRecord, info: InfoResult): Promise<ContractRecord | null> {
    if (record.status === 'applying') {
      if (info.status === 'signed' && info.contractId) return this.adopt(record, info.contractId, 'reconcile')
      return this.repo.transition(record.contractCode, ['applying'], {
        to: 'failed',
        source: 'reconcile',
        failure: 'contract.info: 未签约',
      })
    }
    if (
      record.status === 'signed' &&
      info.status !== 'signed' &&
      (info.contractId === null || info.contractId === record.contractId)
    ) {
      return this.repo.transition(record.contractCode, ['signed'], {
        to: 'relieved',
        source: 'reconcile',
        relievedBy: 'platform',
        detail: `contract.info says ${info.raw || '未签约'}`,
      })
    }
    return Promise.resolve(null)
  }

  private adopt(record: ContractRecord, contractId: string, source: string): Promise<ContractRecord | null> {
    return this.repo.transition(record.contractCode, ['applying'], {
      to: 'signed',
      source,
      contractId,
      operateTime: beijingTime(this.clock()),
    })
  }

  private async safeInfo(openId: string, planId: string): Promise<InfoResult | null> {
    try {
      return await this.api.info({ openId, planId })
    } catch {
      return null
    }
  }

  private get api(): ContractApi {
    return this.options.api
  }
}
