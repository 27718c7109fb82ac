import type { KvStore } from '../store/kv.ts'
import { UnionpaySandboxState } from '../sandbox/unionpay/state.ts'
import { CallBudget, type CallTicket } from '../unionpay/budget.ts'

/**
 * A discrete-event run of the call budget against the sandbox's platform model on a fake clock:
 * calls are offered at a steady rate, spread over instances (each with its own KvStore handle),
 * and each admitted call ARRIVES at the platform `latency` ms later — the platform counts it
 * then, as the real one may. Used by the budget tests and `npm run bench`.
 */
export interface BudgetSimOptions {
  /** One KvStore per instance (the same store, or connections to one Redis). */
  instances: KvStore[]
  key: string
  perMinute: number
  timeoutMs: number
  marginMs?: number
  /** Platform window. @default 60_000 */
  windowMs?: number
  durationMs: number
  /** Calls offered per window, all instances together. */
  offeredPerWindow: number
  /** ms from admission to arrival for call `n` admitted at `t` (beyond `timeoutMs`: we gave up, it still arrives). */
  latency: (n: number, t: number) => number
  /** `naive`: today's admission counting (a sliding window of admissions), as a control. */
  mode?: 'budget' | 'naive'
  start?: number
}

export interface BudgetSimResult {
  offered: number
  admitted: number
  refused: number
  /** Most arrivals the platform saw in any window. */
  busiestWindow: number
  blacklisted: boolean
}

interface PendingEvent {
  at: number
  run: () => Promise<void> | void
}

export async function simulateBudget(o: BudgetSimOptions): Promise<BudgetSimResult> {
  const windowMs = o.windowMs ?? 60_000
  const start = o.start ?? 1_800_000_000_000
  let now = start
  const clock = () => now
  const platform = new UnionpaySandboxState(clock)
  platform.callsPerMinuteLimit = o.perMinute
  platform.callWindowMs = windowMs
  const budgets = o.instances.map(
    (kv) =>
      new CallBudget(kv, o.key, o.perMinute, clock, {
        windowMs,
        ...(o.marginMs === undefined ? {} : { marginMs: o.marginMs }),
      }),
  )
  const arrivals: number[] = []
  const events: PendingEvent[] = []
  let blacklisted = false
  /** Keeps `events` sorted by time (insertion after equal times, so order is stable). */
  const schedule = (e: PendingEvent) => {
    let lo = 0
    let hi = events.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((events[mid]?.at ?? 0) <= e.at) lo = mid + 1
      else hi = mid
    }
    events.splice(lo, 0, e)
  }
  const runDue = async (until: number) => {
    for (let next = events[0]; next && next.at <= until; next = events[0]) {
      events.shift()
      now = next.at
      await next.run()
    }
  }
  let admitted = 0
  let refused = 0
  const interval = windowMs / o.offeredPerWindow
  const total = Math.floor(o.durationMs / interval)
  for (let n = 0; n < total; n++) {
    const t = start + Math.round(n * interval)
    await runDue(t)
    now = t
    const i = n % o.instances.length
    let ticket: CallTicket | null = null
    if (o.mode === 'naive') {
      const kv = o.instances[i]
      if (kv && (await kv.admit(`${o.key}:naive`, o.perMinute, windowMs, now)))
        ticket = { arrived: async () => undefined }
    } else {
      ticket = await budgets[i]!.take(o.timeoutMs).catch(() => null)
    }
    if (!ticket) {
      refused++
      continue
    }
    admitted++
    const delay = Math.max(0, Math.round(o.latency(n, t - start)))
    const admittedTicket = ticket
    schedule({
      at: t + delay,
      run: async () => {
        arrivals.push(now)
        if (!platform.admitCall()) blacklisted = true
        // the answer comes back at once, unless we had given up by then
        if (delay < o.timeoutMs) await admittedTicket.arrived()
      },
    })
  }
  await runDue(Number.POSITIVE_INFINITY)
  return { offered: total, admitted, refused, busiestWindow: busiestWindow(arrivals, windowMs), blacklisted }
}

/** Most entries of sorted-or-not `times` within any window (t - windowMs, t]. */
export function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b)
  let best = 0
  let lo = 0
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[lo] ?? 0) <= (sorted[hi] ?? 0) - windowMs) lo++
    best = Math.max(best, hi - lo + 1)
  }
  return best
}

/** A small seeded PRNG (mulberry32) so runs repeat exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
