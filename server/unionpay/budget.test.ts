import { describe, expect, it } from 'vitest'
import { MemoryKv } from '../store/memory-kv.ts'
import { RedisKv } from '../store/redis-kv.ts'
import { seededRandom, simulateBudget, type BudgetSimOptions } from '../test/budget-sim.ts'

const TIMEOUT = 10_000
/** Calls admitted in even minutes take their whole timeout to arrive, the others arrive at once. */
const lateThenPrompt = (_n: number, t: number) => (Math.floor(t / 60_000) % 2 === 0 ? TIMEOUT : 0)

function run(instances: BudgetSimOptions['instances'], extra: Partial<BudgetSimOptions> = {}) {
  return simulateBudget({
    instances,
    key: `budget:${Math.random()}`,
    perMinute: 60,
    timeoutMs: TIMEOUT,
    durationMs: 6 * 60_000,
    offeredPerWindow: 600, // a 10× overload
    latency: lateThenPrompt,
    ...extra,
  })
}

describe('call budget: arrivals per platform minute (fake clock, the sandbox platform model)', () => {
  it('counting admissions (the old budget) lets the platform see more than the budget in a minute — the defect', async () => {
    const r = await run([new MemoryKv()], { mode: 'naive' })
    expect(r.busiestWindow).toBeGreaterThan(60)
    expect(r.blacklisted).toBe(true)
  })

  it('never lets more than the budget arrive in any minute when calls take up to their timeout', async () => {
    const r = await run([new MemoryKv()])
    expect(r.blacklisted).toBe(false)
    expect(r.busiestWindow).toBeLessThanOrEqual(60)
    expect(r.admitted).toBeGreaterThan(5 * 60 * 0.8) // the budget is still used, not starved
  })

  it('holds with random latencies up to the timeout and calls we gave up on arriving just late', async () => {
    const rnd = seededRandom(7)
    const r = await run([new MemoryKv()], { latency: () => rnd() * (TIMEOUT + 1_500) })
    expect(r.blacklisted).toBe(false)
    expect(r.busiestWindow).toBeLessThanOrEqual(60)
  })

  it('holds for four instances sharing one store', async () => {
    const kv = new MemoryKv()
    const rnd = seededRandom(11)
    const r = await run([kv, kv, kv, kv], { latency: (n, t) => (n % 3 === 0 ? rnd() * TIMEOUT : lateThenPrompt(n, t)) })
    expect(r.blacklisted).toBe(false)
    expect(r.busiestWindow).toBeLessThanOrEqual(60)
  })
})

const redisUrl = process.env.UPKIT_TEST_REDIS_URL
describe.skipIf(!redisUrl)('call budget on Redis: N instances (fake clock)', () => {
  it('three instances, each with its own Redis connection, never let the platform see more than the budget', async () => {
    const prefix = `upkit-budget-${Date.now()}:`
    const kvs = [0, 1, 2].map(() => new RedisKv(redisUrl ?? '', prefix))
    try {
      const naive = await run(kvs, { mode: 'naive', durationMs: 4 * 60_000 })
      expect(naive.blacklisted).toBe(true)
      const r = await run(kvs, { durationMs: 4 * 60_000 })
      expect(r.blacklisted).toBe(false)
      expect(r.busiestWindow).toBeLessThanOrEqual(60)
      expect(r.admitted).toBeGreaterThan(3 * 60 * 0.8)
    } finally {
      await Promise.all(kvs.map((k) => k.close()))
    }
  })
})
