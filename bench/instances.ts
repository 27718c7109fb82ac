/**
 * Notify throughput across engines and instance counts: SQLite vs PostgreSQL, 1 vs 3 server
 * processes (sharing the store and a Redis), each fed signed 银商 notifies over loopback HTTP.
 *
 * Redis: a private `redis-server` on a free port. PostgreSQL: `UPKIT_BENCH_PG_URL` (or
 * `UPKIT_TEST_PG_URL`); skipped when neither is set.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { openDatabase } from '../server/store/kysely-db.ts'
import { testDbUrl } from '../server/test/db.ts'
import { freePort } from '../server/test/harness.ts'
import {
  createOrders,
  deliverNotify,
  notifyEventsPerOrder,
  platformNotify,
  startCluster,
} from '../server/test/processes.ts'

export interface ThroughputRow {
  name: string
  ops: number
  seconds: number
  opsPerSec: number
  note?: string
}

const NOTIFIES = 400
const CONCURRENCY = 40

/** How many of `ids` a notify was applied to more than once, and how many never (pay_order_events). */
async function notifyApplications(databaseUrl: string, ids: string[]): Promise<{ twice: number; never: number }> {
  const db = await openDatabase(databaseUrl)
  try {
    const counts = await notifyEventsPerOrder(db, ids)
    return {
      twice: ids.filter((id) => (counts.get(id) ?? 0) > 1).length,
      never: ids.filter((id) => !counts.has(id)).length,
    }
  } finally {
    await db.destroy()
  }
}

export async function benchInstances(): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = []
  const redisPort = await freePort()
  const redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  const redisReady = new Promise<void>((resolve, reject) => {
    redis.once('error', reject)
    setTimeout(resolve, 300)
  })
  try {
    await redisReady
  } catch {
    return [
      {
        name: 'notify throughput (instances)',
        ops: 0,
        seconds: 0,
        opsPerSec: 0,
        note: 'skipped: redis-server not found',
      },
    ]
  }
  const pgUrl = process.env.UPKIT_BENCH_PG_URL || process.env.UPKIT_TEST_PG_URL
  const engines: Array<['SQLite' | 'PostgreSQL', () => string]> = [
    ['SQLite', () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'upkit-bench-')), 'b.db')}`],
  ]
  if (pgUrl) {
    process.env.UPKIT_TEST_PG_URL = pgUrl
    engines.push(['PostgreSQL', () => testDbUrl('postgres')])
  }
  try {
    for (const [engine, url] of engines) {
      for (const n of [1, 3]) {
        const databaseUrl = url()
        await (await openDatabase(databaseUrl)).destroy()
        const cluster = await startCluster(n, databaseUrl, `redis://127.0.0.1:${redisPort}`)
        try {
          const ids = await createOrders(cluster, NOTIFIES, 700)
          const bodies = ids.map((id) => platformNotify(id, 700))
          // each notify delivered twice, to different instances, as the platform's retries may be
          const deliveries = bodies.flatMap((body, i) => [0, 1].map((k) => ({ at: i + k, body })))
          let next = 0
          let ok = 0
          const t0 = performance.now()
          await Promise.all(
            Array.from({ length: CONCURRENCY }, async () => {
              while (next < deliveries.length) {
                const d = deliveries[next++]
                if (d && (await deliverNotify(cluster.pick(d.at), d.body))) ok++
              }
            }),
          )
          const seconds = (performance.now() - t0) / 1000
          const applied = await notifyApplications(databaseUrl, ids)
          rows.push({
            name: `notify throughput, ${engine}, ${n} instance${n > 1 ? 's' : ''}`,
            ops: deliveries.length,
            seconds: +seconds.toFixed(3),
            opsPerSec: Math.round(deliveries.length / seconds),
            note:
              `${ok}/${deliveries.length} SUCCESS (${NOTIFIES} notifies, each twice), ${CONCURRENCY} concurrent; ` +
              `${applied.twice} orders applied twice, ${applied.never} never`,
          })
        } finally {
          await cluster.stop()
        }
      }
    }
    if (!pgUrl)
      rows.push({
        name: 'notify throughput, PostgreSQL',
        ops: 0,
        seconds: 0,
        opsPerSec: 0,
        note: 'skipped: set UPKIT_BENCH_PG_URL',
      })
  } finally {
    redis.kill('SIGTERM')
  }
  return rows
}
