import { DomainError } from '../errors.ts'
import type { KvStore } from '../store/kv.ts'

/**
 * The platform blacklists an appId for 24 h past 1000 calls a minute. Every outgoing call
 * takes a slot in a sliding one-minute window shared by all instances (through the KvStore);
 * with no slot left the caller gets a 503 instead of the platform getting call 1001.
 */
export class CallBudget {
  constructor(
    private readonly kv: KvStore,
    private readonly key: string,
    readonly perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async take(): Promise<void> {
    const ok = await this.kv.admit(this.key, this.perMinute, 60_000, this.clock())
    if (!ok) {
      throw new DomainError(
        'unavailable',
        'UPSTREAM_BUDGET_EXHAUSTED',
        `云闪付开放平台调用已达每分钟上限（${this.perMinute} 次），请稍后再试`,
      )
    }
  }
}
