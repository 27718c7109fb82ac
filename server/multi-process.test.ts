import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from './store/kysely-db.ts'
import { TEST_PG_URL, testDbUrl } from './test/db.ts'
import { isolatedRedisUrl } from './test/redis.ts'
import {
  createOrders,
  deliverNotify,
  notifyEventsPerOrder,
  platformNotify,
  startCluster,
  type Cluster,
} from './test/processes.ts'

const redisUrl = process.env.UPKIT_TEST_REDIS_URL
const onPg = Boolean(TEST_PG_URL)

/**
 * Three real server processes on loopback sharing one record store (PostgreSQL when
 * UPKIT_TEST_PG_URL is set, else one SQLite file) and one Redis, as behind a load balancer.
 */
describe.skipIf(!redisUrl)(`three server processes sharing ${onPg ? 'PostgreSQL' : 'a SQLite file'} and Redis`, () => {
  let cluster: Cluster
  let db: Db

  beforeAll(async () => {
    const databaseUrl = onPg
      ? testDbUrl('postgres')
      : `sqlite:${join(mkdtempSync(join(tmpdir(), 'upkit-procs-')), 'upkit.db')}`
    db = await openDatabase(databaseUrl)
    // A Redis database of its own, emptied, so the stampede below starts truly cold.
    const sharedRedisUrl = isolatedRedisUrl(redisUrl ?? '', 9)
    const redis = new Redis(sharedRedisUrl)
    await redis.flushdb()
    await redis.quit()
    cluster = await startCluster(3, databaseUrl, sharedRedisUrl)
  }, 120_000)

  afterAll(async () => {
    await cluster?.stop()
    await db?.destroy()
  }, 30_000)

  async function allPaid(ids: string[]): Promise<boolean> {
    const rows = await db.selectFrom('pay_orders').select(['status']).where('mer_order_id', 'in', ids).execute()
    return rows.length === ids.length && rows.every((s) => s.status === 'TRADE_SUCCESS')
  }

  it('200 signed notifies, each delivered three times to different instances at once, are applied once each', async () => {
    const ids = await createOrders(cluster, 200, 800)
    const bodies = ids.map((id) => platformNotify(id, 800))
    const deliveries = bodies.flatMap((b, i) => [0, 1, 2].map((k) => () => deliverNotify(cluster.pick(i + k), b)))
    // in waves of 60 concurrent requests, duplicates of one notify racing each other
    for (let i = 0; i < deliveries.length; i += 60) {
      const wave = await Promise.all(deliveries.slice(i, i + 60).map((d) => d()))
      expect(wave.every(Boolean)).toBe(true)
    }
    const counts = await notifyEventsPerOrder(db, ids)
    expect(ids.every((id) => counts.get(id) === 1)).toBe(true)
    expect(await allPaid(ids)).toBe(true)
    const notifies = await db
      .selectFrom('pay_notifies')
      .select(['notify_id'])
      .where('mer_order_id', 'in', ids)
      .execute()
    expect(notifies.length).toBe(200)
  }, 120_000)

  it('a cold upsdk.config stampede across the instances makes one upstream frontToken call', async () => {
    const a = cluster.pick(0)
    const control = `${a.base}/sandbox/__control/unionpay`
    await fetch(`${control}/expire-tokens`, { method: 'POST' })
    const frontTokenCalls = async () =>
      ((await (await fetch(`${control}/calls`)).json()) as { calls: Array<{ api: string }> }).calls.filter(
        (c) => c.api === 'frontToken',
      ).length
    const before = await frontTokenCalls()
    const replies = await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        fetch(`${cluster.pick(i).base}/api/upsdk/config`, {
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
    const ids = await createOrders(cluster, 90, 500)
    const bodies = ids.map((id) => platformNotify(id, 500))
    const c = cluster.instances[2]
    if (!c) throw new Error('no instance C')
    // every notify goes to C first; C is killed while the burst is in flight
    const first = bodies.map((b) => deliverNotify(c, b))
    // killed as soon as C has answered one: the rest of the burst is still in flight
    await Promise.race(first)
    const exited = new Promise((r) => c.proc.once('exit', (_code, signal) => r(signal)))
    c.proc.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    const delivered = await Promise.all(first)
    // C answered some before it died and may have committed some whose answer was lost: the
    // platform retries everything it has no SUCCESS for through the balancer (now A and B) — and
    // a retry of one it did see succeed changes nothing either, so replay all of them
    expect(delivered.some((d) => !d)).toBe(true)
    const retried = await Promise.all(bodies.map((b, i) => deliverNotify(cluster.pick(i), b)))
    expect(retried.every(Boolean)).toBe(true)
    const counts = await notifyEventsPerOrder(db, ids)
    expect(ids.every((id) => counts.get(id) === 1)).toBe(true)
    expect(await allPaid(ids)).toBe(true)
  }, 120_000)
})
