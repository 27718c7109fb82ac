import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_CHINAUMS } from './sandbox/credentials.ts'
import { openDatabase, type Db } from './store/kysely-db.ts'
import { TEST_PG_URL, testDbUrl } from './test/db.ts'
import { freePort } from './test/harness.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const redisUrl = process.env.UPKIT_TEST_REDIS_URL
/** The payment records still use SQLite-only SQL (being moved to the query builder): PostgreSQL once they do. */
const PAY_ON_QUERY_BUILDER = false

interface Instance {
  name: string
  base: string
  proc: ChildProcess
  output: string[]
}

/** The 银商 notify signature as the platform computes it: sorted non-empty fields, `k=v&…` + key, MD5 upper hex. */
function platformSign(p: Record<string, string>): string {
  const text = Object.keys(p)
    .filter((k) => k !== 'sign' && p[k] !== '')
    .sort()
    .map((k) => `${k}=${p[k]}`)
    .join('&')
  return createHash('md5').update(text + SANDBOX_CHINAUMS.md5Key, 'utf8').digest('hex').toUpperCase()
}

async function waitHealthy(inst: Instance): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (inst.proc.exitCode !== null || inst.proc.signalCode !== null) throw new Error(`${inst.name} exited:\n${inst.output.join('')}`)
    try {
      if ((await fetch(`${inst.base}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${inst.name} did not become healthy:\n${inst.output.join('')}`)
}

/**
 * Three real server processes on loopback sharing one record store (PostgreSQL when
 * UPKIT_TEST_PG_URL is set, else one SQLite file) and one Redis, as behind a load balancer.
 * Instance A's sandbox plays 云闪付 and 银商 for all three.
 */
describe.skipIf(!redisUrl)(`three server processes sharing ${TEST_PG_URL && PAY_ON_QUERY_BUILDER ? 'PostgreSQL' : 'a SQLite file'} and Redis`, () => {
  const instances: Instance[] = []
  let db: Db
  let databaseUrl: string
  let sharedRedisUrl: string

  beforeAll(async () => {
    databaseUrl = TEST_PG_URL && PAY_ON_QUERY_BUILDER ? testDbUrl('postgres') : `sqlite:${join(mkdtempSync(join(tmpdir(), 'upkit-procs-')), 'upkit.db')}`
    // Migrate once up front; the instances then start together (they would also serialise on it).
    db = await openDatabase(databaseUrl)
    // A Redis database of its own, emptied, so the stampede below starts truly cold.
    sharedRedisUrl = `${redisUrl}/${1 + Math.floor(Math.random() * 15)}`
    const redis = new Redis(sharedRedisUrl)
    await redis.flushdb()
    await redis.quit()
    const ports = [await freePort(), await freePort(), await freePort()]
    const publicBase = `http://127.0.0.1:${ports[0]}`
    for (const [i, port] of ports.entries()) {
      const output: string[] = []
      const proc = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          SANDBOX: '1',
          HOST: '127.0.0.1',
          PORT: String(port),
          PUBLIC_BASE_URL: publicBase,
          UNIONPAY_OPEN_BASE_URL: `${publicBase}/sandbox/unionpay`,
          CHINAUMS_BASE_URL: `${publicBase}/sandbox/chinaums`,
          DATABASE_URL: databaseUrl,
          REDIS_URL: sharedRedisUrl,
          LOG_LEVEL: 'warn',
          RATE_LIMIT_PER_MINUTE: '1000000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      proc.stdout?.on('data', (d: Buffer) => output.push(d.toString()))
      proc.stderr?.on('data', (d: Buffer) => output.push(d.toString()))
      instances.push({ name: 'ABC'[i] ?? '?', base: `http://127.0.0.1:${port}`, proc, output })
    }
    await Promise.all(instances.map(waitHealthy))
  }, 120_000)

  afterAll(async () => {
    const running = instances.filter((i) => i.proc.exitCode === null && i.proc.signalCode === null)
    const exits = running.map((i) => new Promise((r) => i.proc.once('exit', r)))
    for (const i of running) i.proc.kill('SIGTERM')
    await Promise.all(exits)
    await db?.destroy()
  }, 30_000)

  const pick = (i: number) => instances[i % instances.length] as Instance

  async function createOrders(n: number, amount: number): Promise<string[]> {
    const ids: string[] = []
    for (let i = 0; i < n; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, n - i) }, async (_, j) => {
          const r = await fetch(`${pick(i + j).base}/api/pay/chinaums/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ amount, channel: 'uac' }),
          })
          expect(r.status, await r.clone().text()).toBe(200)
          return ((await r.json()) as { merOrderId: string }).merOrderId
        }),
      )
      ids.push(...batch)
    }
    return ids
  }

  function notifyBody(merOrderId: string, amount: number): string {
    const p: Record<string, string> = {
      mid: SANDBOX_CHINAUMS.mid, tid: SANDBOX_CHINAUMS.tid, instMid: 'H5DEFAULT', merOrderId, totalAmount: String(amount),
      status: 'TRADE_SUCCESS', payTime: '2026-11-30 10:01:00', seqId: randomBytes(6).toString('hex'), targetSys: 'UnionPay',
      targetOrderId: `T${merOrderId.slice(-20)}`, notifyId: `n-${merOrderId}`,
    }
    return new URLSearchParams({ ...p, sign: platformSign(p) }).toString()
  }

  /** One delivery; the platform counts only a `SUCCESS` body as delivered. */
  async function deliver(inst: Instance, body: string): Promise<boolean> {
    try {
      const r = await fetch(`${inst.base}/notify/chinaums`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(15_000),
      })
      return (await r.text()) === 'SUCCESS'
    } catch {
      return false
    }
  }

  async function notifyEventsPerOrder(ids: string[]): Promise<Map<string, number>> {
    const rows = await db
      .selectFrom('pay_order_events')
      .select(['mer_order_id'])
      .where('source', '=', 'notify')
      .where('mer_order_id', 'in', ids)
      .execute()
    const counts = new Map<string, number>()
    for (const r of rows) counts.set(r.mer_order_id, (counts.get(r.mer_order_id) ?? 0) + 1)
    return counts
  }

  it('200 signed notifies, each delivered three times to different instances at once, are applied once each', async () => {
    const ids = await createOrders(200, 800)
    const bodies = ids.map((id) => notifyBody(id, 800))
    const deliveries = bodies.flatMap((b, i) => [0, 1, 2].map((k) => () => deliver(pick(i + k), b)))
    // in waves of 60 concurrent requests, duplicates of one notify racing each other
    for (let i = 0; i < deliveries.length; i += 60) {
      const wave = await Promise.all(deliveries.slice(i, i + 60).map((d) => d()))
      expect(wave.every(Boolean)).toBe(true)
    }
    const counts = await notifyEventsPerOrder(ids)
    expect([...counts.values()].filter((n) => n === 1).length).toBe(200)
    expect([...counts.values()].some((n) => n > 1)).toBe(false)
    const statuses = await db.selectFrom('pay_orders').select(['status']).where('mer_order_id', 'in', ids).execute()
    expect(statuses.every((s) => s.status === 'TRADE_SUCCESS')).toBe(true)
    const notifies = await db.selectFrom('pay_notifies').select(['notify_id']).where('mer_order_id', 'in', ids).execute()
    expect(notifies.length).toBe(200)
  }, 120_000)

  it('a cold upsdk.config stampede across the instances makes one upstream frontToken call', async () => {
    const a = pick(0)
    const control = `${a.base}/sandbox/__control/unionpay`
    await fetch(`${control}/expire-tokens`, { method: 'POST' })
    const frontTokenCalls = async () =>
      ((await (await fetch(`${control}/calls`)).json()) as { calls: Array<{ api: string }> }).calls.filter((c) => c.api === 'frontToken').length
    const before = await frontTokenCalls()
    const replies = await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        fetch(`${pick(i).base}/api/upsdk/config`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url: `${a.base}/` }),
        }).then((r) => r.status),
      ),
    )
    expect(replies).toEqual(Array(45).fill(200))
    expect(await frontTokenCalls()).toBe(before + 1)
  }, 60_000)

  it('an instance killed with kill -9 mid-burst loses nothing: the platform’s retries land once each', async () => {
    const ids = await createOrders(90, 500)
    const bodies = ids.map((id) => notifyBody(id, 500))
    const c = pick(2)
    // every notify goes to C first; C is killed while the burst is in flight
    const first = bodies.map((b) => deliver(c, b))
    await new Promise((r) => setTimeout(r, 150))
    const exited = new Promise((r) => c.proc.once('exit', (_code, signal) => r(signal)))
    c.proc.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    const delivered = await Promise.all(first)
    // C may have answered some before it died, or committed some whose answer was lost: the
    // platform retries everything it has no SUCCESS for, through the balancer (A and B) — and a
    // retry of one it did see succeed changes nothing either, so replay all of them
    expect(delivered.some((d) => !d)).toBe(true)
    const retried = await Promise.all(bodies.map((b, i) => deliver(pick(i % 2), b)))
    expect(retried.every(Boolean)).toBe(true)
    const counts = await notifyEventsPerOrder(ids)
    expect(ids.every((id) => counts.get(id) === 1)).toBe(true)
    const statuses = await db.selectFrom('pay_orders').select(['status']).where('mer_order_id', 'in', ids).execute()
    expect(statuses.every((s) => s.status === 'TRADE_SUCCESS')).toBe(true)
  }, 120_000)
})
