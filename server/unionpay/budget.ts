import { randomBytes } from 'node:crypto'
import { DomainError } from '../errors.ts'
import type { KvStore } from '../store/kv.ts'
import { currentSubject } from './call-scope.ts'

export interface CallBudgetOptions {
  /** The platform's counting window. @default 60_000 */
  windowMs?: number
  /** Added to every call's latest possible arrival: clock differences between instances, and the moments between admission and sending. @default 2_000 */
  marginMs?: number
  /**
   * How long after we give up on a call (its timeout) it may still reach the platform — a request
   * already sent can sit in a proxy or a queue. Such calls stay on the books that much longer;
   * calls that are answered never pay it. @default the call's timeout
   */
  abandonedGraceMs?: number
  /** Calls per window for one user (or one client address before login); 0 = no per-user quota. @default 0 */
  perSubject?: number
}

/** One admitted call. `arrived()` once the platform has answered (so it arrived by now). */
export interface CallTicket {
  arrived(): Promise<void>
}

/**
 * The platform blacklists an appId for 24 h past 1000 calls in a minute, counted when a call
 * ARRIVES. A call admitted at t arrives by t + its timeout — or, if we give up on it, up to a grace
 * period later — so each admitted call counts against the budget until `window` after the latest
 * moment it can arrive (plus a margin for clock differences), brought forward to its answer's
 * time once it has one. For any platform minute the calls that can land in it were all on the
 * books together at each admission, so no minute ever sees more than `perMinute`, whatever the
 * latency, and across all instances sharing the KvStore.
 * Each user (or client address) also has a quota of its own, so one cannot spend the appId's minute.
 */
export class CallBudget {
  private readonly windowMs: number
  private readonly marginMs: number
  private readonly abandonedGraceMs: number | undefined
  private readonly perSubject: number

  constructor(
    private readonly kv: KvStore,
    private readonly key: string,
    readonly perMinute: number,
    private readonly clock: () => number = Date.now,
    options: CallBudgetOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000
    this.marginMs = options.marginMs ?? 2_000
    this.abandonedGraceMs = options.abandonedGraceMs
    this.perSubject = options.perSubject ?? 0
  }

  /** Takes a slot for a call that will give up after `timeoutMs`; 429/503 when none is left. */
  async take(timeoutMs: number): Promise<CallTicket> {
    const now = this.clock()
    const member = `${now}-${randomBytes(8).toString('hex')}`
    const subject = this.perSubject > 0 ? currentSubject() : undefined
    const subjectKey = subject === undefined ? undefined : `${this.key}:subject:${subject}`
    if (subjectKey && !(await this.kv.reserve(subjectKey, this.perSubject, member, now + this.windowMs, now))) {
      throw new DomainError(
        'too_many',
        'UPSTREAM_USER_QUOTA',
        `操作过于频繁：每个用户每分钟最多触发 ${this.perSubject} 次云闪付开放平台调用，请稍后再试`,
      )
    }
    const countsUntil = (latestArrival: number) => latestArrival + this.marginMs + this.windowMs
    const latestArrival = now + timeoutMs + (this.abandonedGraceMs ?? timeoutMs)
    if (!(await this.kv.reserve(this.key, this.perMinute, member, countsUntil(latestArrival), now))) {
      if (subjectKey) await this.kv.shorten(subjectKey, member, now)
      throw new DomainError(
        'unavailable',
        'UPSTREAM_BUDGET_EXHAUSTED',
        `云闪付开放平台调用已达每分钟上限（${this.perMinute} 次），请稍后再试`,
      )
    }
    return {
      // Best effort: an entry that could not be shortened only counts for longer.
      arrived: () => this.kv.shorten(this.key, member, countsUntil(this.clock())).catch(() => undefined),
    }
  }
}
