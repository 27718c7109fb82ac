import type { FastifyBaseLogger } from 'fastify'
import type { PayService } from './service.ts'

export interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface ReconcilerOptions {
  service: PayService
  clock: () => number
  log: FastifyBaseLogger
  /** How often due orders are looked for. @default 30000 */
  intervalMs?: number
  /** Most queries per round, so a backlog never turns into a burst. @default 5 */
  batch?: number
  /** @default the global setTimeout/clearTimeout */
  timers?: TimerApi
}

/**
 * Background status reconciliation: every `intervalMs`, query the orders whose `next_check_at`
 * has come (5 min after creation, then growing gaps — see schedule.ts) and the refunds whose
 * outcome is still unknown (same schedule, counted from the refund). One round at a time; `stop()` cancels the next round.
 */
export class Reconciler {
  private timer: unknown = null
  private running: Promise<void> | null = null
  private stopped = true
  private readonly timers: TimerApi

  constructor(private readonly o: ReconcilerOptions) {
    this.timers = o.timers ?? {
      setTimeout: (fn, ms) => {
        const t = setTimeout(fn, ms)
        t.unref()
        return t
      },
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    }
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.schedule()
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = this.timers.setTimeout(() => {
      this.timer = null
      void this.runOnce().finally(() => this.schedule())
    }, this.o.intervalMs ?? 30_000)
  }

  /** One round (also what tests call directly with a fake clock). */
  runOnce(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async round(): Promise<void> {
    const { service, clock, log } = this.o
    const batch = this.o.batch ?? 5
    const now = clock()
    for (const order of service.store.due(now, batch)) {
      if (order.nextCheckAt === null || !service.store.claimCheck(order.merOrderId, order.nextCheckAt, now + 2 * 60_000)) continue
      try {
        await service.reconcile(order)
      } catch (err) {
        log.error({ err, merOrderId: order.merOrderId }, 'reconciliation failed')
      }
    }
    for (const refund of service.store.dueRefunds(now, batch)) {
      if (!service.store.claimRefundCheck(refund.refundOrderId, now + 2 * 60_000)) continue
      try {
        await service.reconcileRefund(refund)
      } catch (err) {
        log.error({ err, refundOrderId: refund.refundOrderId }, 'refund reconciliation failed')
      }
    }
  }

  /** Stops scheduling and waits for a round in progress. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
    await this.running
  }
}
