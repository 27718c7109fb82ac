import type { FastifyBaseLogger } from 'fastify'
import type { ChinaumsReply } from '../chinaums/client.ts'
import { ChinaumsError } from '../chinaums/errors.ts'
import type { CheckQueue } from './check-queue.ts'
import type { PayDeps } from './deps.ts'
import { IllegalTransitionError } from './errors.ts'
import type { Order, Refund } from './model.ts'
import { factsOf, notifiedStatus } from './platform-facts.ts'
import { nextCheckGap } from './schedule.ts'
import { amountOf, autoCancelCheckAt, isSecureStatus, isSecureUnfinished } from './secure.ts'
import { PENDING_STATUSES } from './status.ts'

/** Grace after expiry before a NO_ORDER query result closes the order. */
const NO_ORDER_GRACE_MS = 5 * 60_000

/** One status query for an order, one refund-query for a refund: what reconciliation asks 银商. */
export class OrderChecker {
  constructor(private readonly d: PayDeps) {}

  /**
   * One reconciliation query for an order that is still pending, or a paid 担保 order not yet
   * completed/cancelled (an action timed out, or the 30-day automatic cancel is due). Never
   * concludes failure from an unknown outcome.
   */
  async reconcile(order: Order): Promise<Order> {
    const { records, client, clock, log } = this.d
    const { orders, checks } = records
    const now = clock()
    const securePaid = order.status === 'TRADE_SUCCESS' && isSecureUnfinished(order)
    if (!PENDING_STATUSES.has(order.status) && !securePaid) {
      await checks.scheduleOrder(order.merOrderId, null, false)
      return order
    }
    let reply: ChinaumsReply | null = null
    let error: ChinaumsError | null = null
    try {
      reply = await client.query(order.merOrderId, order.instMid)
    } catch (err) {
      if (!(err instanceof ChinaumsError)) throw err
      error = err
    }
    const checksDone = order.checkCount + 1
    const gap = nextCheckGap(checksDone)
    const foreign =
      reply !== null &&
      ((reply.merOrderId !== undefined && reply.merOrderId !== order.merOrderId) ||
        (reply.totalAmount !== undefined && Number(reply.totalAmount) !== order.amount))
    if (reply && foreign) {
      // Like a notify whose amount differs: never settle an order from an answer about something else.
      log.error(
        { merOrderId: order.merOrderId, replied: reply.merOrderId, amount: reply.totalAmount, ours: order.amount },
        'query answer does not match the order',
      )
    } else if (reply) {
      const answer = reply
      await orders.atomic(async () => {
        await orders.markSeen(order.merOrderId)
        // 担保 facts first: a CANCELED order closes as a cancel (everything back to the buyer).
        if (isSecureStatus(answer.secureStatus)) {
          await orders.recordSecureFacts(
            order.merOrderId,
            answer.secureStatus,
            amountOf(answer.completeAmount ?? answer.completedAmount),
            'query',
          )
        }
        const to = notifiedStatus(answer.status)
        const target = to === 'TRADE_REFUND' ? 'TRADE_SUCCESS' : to
        const current = (await orders.mustGet(order.merOrderId)).status
        if (target && target !== current) {
          try {
            await orders.transition(order.merOrderId, target, 'query', `check ${checksDone}`, factsOf(answer))
          } catch (e) {
            if (!(e instanceof IllegalTransitionError)) throw e
            log.warn({ merOrderId: order.merOrderId, from: e.from, to: e.to }, 'query result not applicable')
          }
        }
      })
    } else if (
      error?.errCode === 'NO_ORDER' &&
      order.expiresAt !== null &&
      now > order.expiresAt + NO_ORDER_GRACE_MS &&
      PENDING_STATUSES.has(order.status)
    ) {
      // The buyer never opened the cashier and the order has expired: it can no longer be paid.
      await orders.transition(order.merOrderId, 'TRADE_CLOSED', 'query', 'NO_ORDER after expiry')
    } else if (error) {
      log.info(
        { merOrderId: order.merOrderId, errCode: error.errCode, kind: error.kind },
        'status query without a result',
      )
    }
    const after = await orders.mustGet(order.merOrderId)
    const stillPending = PENDING_STATUSES.has(after.status)
    const stillSecure = after.status === 'TRADE_SUCCESS' && isSecureUnfinished(after)
    let next: number | null = null
    if (stillPending || (stillSecure && after.securePending)) next = gap === null ? null : now + gap
    else if (stillSecure) {
      // Waiting for the 30-day automatic cancel: ask when it is due, then back off while 银商 still says UNCOMPLETED.
      const due = autoCancelCheckAt((await orders.paidAt(order.merOrderId)) ?? now)
      next = due > now ? due : gap === null ? null : now + gap
    }
    await checks.scheduleOrder(order.merOrderId, next, true)
    if (next === null && stillSecure && after.securePending) {
      await orders.clearSecurePending(order.merOrderId)
      log.warn(
        { merOrderId: order.merOrderId, action: after.securePending.action },
        '担保 action still unknown after the last scheduled query: the merchant may act again',
      )
    } else if (next === null && (stillPending || stillSecure))
      log.warn({ merOrderId: order.merOrderId }, 'order still unsettled after the last scheduled query')
    return orders.mustGet(order.merOrderId)
  }

  /**
   * One refund-query for a refund whose outcome is unknown. Seed 1.4 can be read two ways (the
   * table: `merOrderId` = the refund's id; the example: the original order's id): we ask the first
   * way, and on NO_ORDER the second way with `refundOrderId` along, and only trust an answer about
   * this refund. NO_ORDER alone never fails a refund (the money may have gone back): it stays
   * pending, reserved, and is asked about again; after the last query the 对账文件 decides.
   */
  async reconcileRefund(refund: Refund): Promise<Refund> {
    const { records, clock, log } = this.d
    const order = await records.orders.get(refund.merOrderId)
    const status = await this.refundStatus(refund, order?.instMid)
    if (status === 'SUCCESS') return records.refunds.settle(refund.refundOrderId, 'SUCCESS', 'refund-query')
    if (status === 'FAILED')
      return records.refunds.settle(refund.refundOrderId, 'FAILED', 'refund-query', 'TARGET_FAIL')
    // Still unknown: ask again after a growing gap, never in a tight loop; after the last one the 对账文件 decides.
    const gap = nextCheckGap(refund.checkCount + 1)
    await records.checks.scheduleRefund(refund.refundOrderId, gap === null ? null : clock() + gap)
    if (gap === null)
      log.warn({ refundOrderId: refund.refundOrderId }, 'refund still pending after the last scheduled refund-query')
    return (await records.refunds.get(refund.refundOrderId)) as Refund
  }

  private async refundStatus(refund: Refund, instMid: string | undefined): Promise<'SUCCESS' | 'FAILED' | null> {
    const readings = [
      { merOrderId: refund.refundOrderId },
      { merOrderId: refund.merOrderId, refundOrderId: refund.refundOrderId },
    ]
    for (const q of readings) {
      let r: ChinaumsReply
      try {
        r = await this.d.client.refundQuery(q, instMid)
      } catch (err) {
        if (!(err instanceof ChinaumsError)) throw err
        if (err.errCode === 'NO_ORDER') continue
        return null
      }
      const about = typeof r.refundOrderId === 'string' ? r.refundOrderId : undefined
      const order = typeof r.merOrderId === 'string' ? r.merOrderId : undefined
      if (
        (about !== undefined && about !== refund.refundOrderId) ||
        (order !== undefined && order !== refund.merOrderId && order !== refund.refundOrderId)
      ) {
        this.d.log.warn(
          { refundOrderId: refund.refundOrderId, about, order },
          'refund-query answered about another refund; not applied',
        )
        continue
      }
      if (r.refundStatus === 'SUCCESS') return 'SUCCESS'
      if (r.refundStatus === 'FAIL' || r.refundStatus === 'FAILED') return 'FAILED'
      return null
    }
    this.d.log.info(
      { refundOrderId: refund.refundOrderId },
      'refund-query: NO_ORDER under both readings; the refund stays pending',
    )
    return null
  }
}

export interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface ReconcilerOptions {
  checker: Pick<OrderChecker, 'reconcile' | 'reconcileRefund'>
  checks: CheckQueue
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
    const { checker, checks, clock, log } = this.o
    const batch = this.o.batch ?? 5
    const now = clock()
    // Every instance runs this round, claiming one due order at a time (a lease on next_check_at,
    // taken in one statement): instances share the due orders instead of racing for the same
    // ones, and a lease that is not renewed expires, so no order starves.
    const lease = now + 2 * 60_000
    for (let i = 0; i < batch; i++) {
      const order = await checks.claimNextOrder(now, lease)
      if (!order) break
      try {
        await checker.reconcile(order)
      } catch (err) {
        log.error({ err, merOrderId: order.merOrderId }, 'reconciliation failed')
      }
    }
    for (let i = 0; i < batch; i++) {
      const refund = await checks.claimNextRefund(now, lease)
      if (!refund) break
      try {
        await checker.reconcileRefund(refund)
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
