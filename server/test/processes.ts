import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { SANDBOX_CHINAUMS } from '../sandbox/credentials.ts'
import type { Db } from '../store/kysely-db.ts'
import { freePort } from './harness.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** One real server process (`node --import tsx server/index.ts`) on a loopback port. */
export interface Instance {
  name: string
  base: string
  proc: ChildProcess
  output: string[]
}

export interface Cluster {
  instances: Instance[]
  /** Round-robin over the instances still alive, as a balancer would. */
  pick(i: number): Instance
  stop(): Promise<void>
}

const alive = (i: Instance) => i.proc.exitCode === null && i.proc.signalCode === null

/** Up to 90 s: a cold `tsx` start of the whole server takes that long on a loaded 2-core machine. */
async function waitHealthy(inst: Instance): Promise<void> {
  for (let i = 0; i < 900; i++) {
    if (!alive(inst)) throw new Error(`${inst.name} exited:\n${inst.output.join('')}`)
    try {
      if ((await fetch(`${inst.base}/readyz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${inst.name} did not become ready:\n${inst.output.join('')}`)
}

/**
 * `n` server processes in sandbox mode sharing `databaseUrl` and `redisUrl`, as behind a load
 * balancer; the first instance's sandbox plays 云闪付 and 银商 for all of them.
 */
export async function startCluster(n: number, databaseUrl: string, redisUrl: string | undefined): Promise<Cluster> {
  const ports: number[] = []
  for (let i = 0; i < n; i++) ports.push(await freePort())
  const publicBase = `http://127.0.0.1:${ports[0]}`
  const instances = ports.map((port, i): Instance => {
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
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_MINUTE: '1000000',
        // behind the (simulated) balancer: each buyer's address comes in X-Forwarded-For
        TRUST_PROXY: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    proc.stdout?.on('data', (d: Buffer) => output.push(d.toString()))
    proc.stderr?.on('data', (d: Buffer) => output.push(d.toString()))
    return { name: String.fromCharCode(65 + i), base: `http://127.0.0.1:${port}`, proc, output }
  })
  const cluster: Cluster = {
    instances,
    pick(i) {
      const up = instances.filter(alive)
      const inst = up[i % up.length]
      if (!inst) throw new Error('no instance is running')
      return inst
    },
    async stop() {
      const running = instances.filter(alive)
      const exits = running.map((i) => new Promise((r) => i.proc.once('exit', r)))
      for (const i of running) i.proc.kill('SIGTERM')
      await Promise.all(exits)
    },
  }
  try {
    await Promise.all(instances.map(waitHealthy))
  } catch (err) {
    await cluster.stop()
    throw err
  }
  return cluster
}

/** Creates `n` H5 orders through the instances (round-robin), 20 at a time; returns their merOrderIds. */
export async function createOrders(cluster: Cluster, n: number, amount: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, async (_, j) => {
        const r = await fetch(`${cluster.pick(i + j).base}/api/pay/chinaums/orders`, {
          method: 'POST',
          // many buyers (the per-client unpaid-order limit counts each address on its own)
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${(i + j) % 250}` },
          body: JSON.stringify({ amount, channel: 'uac' }),
        })
        if (r.status !== 200) throw new Error(`order creation answered ${r.status}: ${await r.text()}`)
        return ((await r.json()) as { merOrderId: string }).merOrderId
      }),
    )
    ids.push(...batch)
  }
  return ids
}

/** A 银商 支付结果通知 as the platform sends it: sorted non-empty fields, `k=v&…` + 通讯密钥, MD5 upper hex. */
export function platformNotify(merOrderId: string, amount: number): string {
  const p: Record<string, string> = {
    mid: SANDBOX_CHINAUMS.mid,
    tid: SANDBOX_CHINAUMS.tid,
    instMid: 'H5DEFAULT',
    merOrderId,
    totalAmount: String(amount),
    status: 'TRADE_SUCCESS',
    payTime: '2026-11-30 10:01:00',
    seqId: randomBytes(6).toString('hex'),
    targetSys: 'UnionPay',
    targetOrderId: `T${merOrderId.slice(-20)}`,
    notifyId: `n-${merOrderId}`,
  }
  const text = Object.keys(p)
    .filter((k) => p[k] !== '')
    .sort()
    .map((k) => `${k}=${p[k]}`)
    .join('&')
  const sign = createHash('md5')
    .update(text + SANDBOX_CHINAUMS.md5Key, 'utf8')
    .digest('hex')
    .toUpperCase()
  return new URLSearchParams({ ...p, sign }).toString()
}

/** One delivery; the platform counts only a `SUCCESS` body as delivered. */
export async function deliverNotify(inst: Instance, body: string): Promise<boolean> {
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

/** For each of `ids` that a 银商 notify was applied to, how many times (`pay_order_events` from `notify`). */
export async function notifyEventsPerOrder(db: Db, ids: string[]): Promise<Map<string, number>> {
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
