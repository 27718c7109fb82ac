/**
 * The call budget under a 10× overload: how many calls the platform saw in its busiest minute.
 * A fake-clock run of the real CallBudget against the sandbox's platform model (which counts a
 * call when it ARRIVES), with calls taking up to their timeout; beside it the old admission
 * counting as a control. With REDIS_URL set, the three-instance run shares a real Redis.
 */
import { RedisKv } from '../server/store/redis-kv.ts'
import { MemoryKv } from '../server/store/memory-kv.ts'
import type { KvStore } from '../server/store/kv.ts'
import { seededRandom, simulateBudget, type BudgetSimOptions } from '../server/test/budget-sim.ts'

export interface BudgetRow {
  name: string
  ops: number
  seconds: number
  opsPerSec: number
  note?: string
}

const LIMIT = 1000
const TIMEOUT = 10_000
const MINUTES = 5

const latencies: Record<string, () => BudgetSimOptions['latency']> = {
  'uniform 0..timeout': () => {
    const r = seededRandom(1)
    return () => r() * TIMEOUT
  },
  'late minute, prompt minute': () => (_n, t) => (Math.floor(t / 60_000) % 2 === 0 ? TIMEOUT : 0),
}

export async function benchBudget(push: (row: BudgetRow) => void): Promise<void> {
  const redisUrl = process.env.REDIS_URL
  const setups: Array<[string, () => KvStore[]]> = [
    ['1 instance', () => [new MemoryKv()]],
    [
      '3 instances',
      () => {
        const prefix = `upkit-bench-${Date.now()}:`
        if (redisUrl) return [0, 1, 2].map(() => new RedisKv(redisUrl, prefix))
        const shared = new MemoryKv()
        return [shared, shared, shared]
      },
    ],
  ]
  for (const [setupName, make] of setups) {
    for (const [latencyName, latency] of Object.entries(latencies)) {
      // the old counting as a control, once per latency pattern
      for (const mode of setupName.startsWith('1') ? (['budget', 'naive'] as const) : (['budget'] as const)) {
        const kvs = make()
        try {
          const r = await simulateBudget({
            instances: kvs,
            key: `bench:${setupName}:${latencyName}:${mode}`,
            perMinute: LIMIT,
            timeoutMs: TIMEOUT,
            durationMs: MINUTES * 60_000,
            offeredPerWindow: LIMIT * 10,
            latency: latency(),
            mode,
          })
          push({
            name: `budget ${LIMIT}/min ×10 load, ${setupName}${setupName.startsWith('3') && redisUrl ? ' (Redis)' : ''}, ${latencyName}${mode === 'naive' ? ' — old admission counting' : ''}`,
            ops: r.admitted,
            seconds: MINUTES * 60,
            opsPerSec: Math.round(r.admitted / (MINUTES * 60)),
            note: `busiest platform minute ${r.busiestWindow}/${LIMIT}${r.blacklisted ? ', BLACKLISTED' : ''}; ${r.refused} refused`,
          })
        } finally {
          await Promise.all([...new Set(kvs)].map((k) => k.close()))
        }
      }
    }
  }
}
