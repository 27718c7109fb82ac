import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, freePort, type TestApp } from '../test/harness.ts'
import { isolatedRedisUrl } from '../test/redis.ts'

const redisUrl = process.env.UPKIT_TEST_REDIS_URL
const WINDOW = 60_000
const LIMIT = 60

/** An instance's answer to one request from `address`. */
async function status(app: TestApp, address: string): Promise<number> {
  return (await app.app.inject({ method: 'GET', url: '/healthz', remoteAddress: address })).statusCode
}

/**
 * Three instances sharing one Redis (a database of this file's own), a clock of the test's
 * (a window no other run uses) and the rate-limit sync run by the test (`flush()`), as every
 * `syncMs` in production.
 */
describe.skipIf(!redisUrl)('the rate limit across three instances sharing Redis', () => {
  let now = (Math.floor(Date.now() / WINDOW) + 1000 + Math.floor(Math.random() * 1e6)) * WINDOW
  const instances: TestApp[] = []
  let redis: Redis

  beforeAll(async () => {
    const url = isolatedRedisUrl(redisUrl ?? '', 6)
    redis = new Redis(url)
    await redis.flushdb()
    for (let i = 0; i < 3; i++)
      instances.push(
        await buildTestApp({ REDIS_URL: url }, { clock: () => now, rateLimitPerMinute: LIMIT, rateLimitSyncMs: 0 }),
      )
  })
  afterAll(async () => {
    for (const s of instances) await s.app.close()
    await redis?.quit()
  })

  const syncAll = () => Promise.all(instances.map((s) => s.rateLimit?.flush()))

  it('one address hammering all of them: the limit plus at most one sync’s worth per instance in the window; another address and the next window are served', async () => {
    const perSync = 4
    const codes: number[] = []
    for (let round = 0; round < 15; round++) {
      for (const s of instances) for (let i = 0; i < perSync; i++) codes.push(await status(s, '198.51.100.7'))
      await syncAll()
      now += 200
    }
    const admitted = codes.filter((c) => c === 200).length
    expect(codes.filter((c) => c !== 200 && c !== 429)).toEqual([])
    expect(admitted).toBeGreaterThanOrEqual(LIMIT)
    expect(admitted).toBeLessThanOrEqual(LIMIT + instances.length * perSync)
    // the shared counter holds every admission
    const window = Math.floor(now / WINDOW)
    expect(Number(await redis.get(`upkit:ratelimit:${WINDOW}:${window}:198.51.100.7`))).toBe(admitted)
    for (const s of instances) expect(await status(s, '198.51.100.8')).toBe(200)

    const refused = await instances[0]!.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '198.51.100.7' })
    expect(refused.statusCode).toBe(429)
    expect(refused.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } })
    const wait = Math.ceil(((window + 1) * WINDOW - now) / 1000)
    expect(refused.headers).toMatchObject({ 'x-ratelimit-remaining': '0', 'retry-after': String(wait) })

    now = (window + 1) * WINDOW
    for (const s of instances) expect(await status(s, '198.51.100.7')).toBe(200)
  })

  it('refused notifications count across the instances, within the same overshoot bound, apart from requests', async () => {
    const forged = (s: TestApp, address: string) =>
      s.app.inject({
        method: 'POST',
        url: '/notify/chinaums',
        payload: 'merOrderId=1017000000000001&sign=00',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        remoteAddress: address,
      })
    // the limit's worth of forgeries, spread over the three instances
    for (let i = 0; i < LIMIT; i++) expect((await forged(instances[i % 3]!, '203.0.113.5')).body).toBe('FAILED')
    await syncAll()
    // an instance learns the shared total from the answer to its next batch: at most one more each
    for (const s of instances) expect([200, 429]).toContain((await forged(s, '203.0.113.5')).statusCode)
    await syncAll()
    for (const s of instances) expect((await forged(s, '203.0.113.5')).statusCode).toBe(429)
    const window = Math.floor(now / WINDOW)
    const counted = Number(await redis.get(`upkit:ratelimit-refused:${WINDOW}:${window}:203.0.113.5`))
    expect(counted).toBeGreaterThanOrEqual(LIMIT)
    expect(counted).toBeLessThanOrEqual(LIMIT + instances.length)
    // browsers' requests from that address are counted apart
    expect(await status(instances[0]!, '203.0.113.5')).toBe(200)
  })
})

/** A redis-server of this test's own, stopped and started again on the same port. */
class OwnRedis {
  private proc: ChildProcess | undefined
  constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }
  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] })
    this.proc = proc
    let out = ''
    await new Promise<void>((resolve, reject) => {
      // read to the end (the log keeps flowing), resolve once it says it is ready
      proc.stdout.on('data', (chunk: Buffer) => {
        out += String(chunk)
        if (out.includes('Ready to accept connections')) resolve()
      })
      proc.on('exit', (code) => reject(new Error(`redis-server exited (${code ?? 'signal'}): ${out}`)))
    })
  }
  async stop(): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null) return
    const exited = once(this.proc, 'exit')
    this.proc.kill('SIGKILL')
    await exited
  }
}

describe.skipIf(!redisUrl)('the rate limit when Redis goes away', () => {
  let redis: OwnRedis
  let app: TestApp
  const warnings: string[] = []
  const now = (Math.floor(Date.now() / WINDOW) + 1) * WINDOW + 1_000

  beforeAll(async () => {
    redis = new OwnRedis(await freePort())
    await redis.start()
    const logStream = new Writable({
      write(chunk: Buffer, _enc, done) {
        const line = JSON.parse(String(chunk)) as { msg?: string }
        if (line.msg?.startsWith('rate limit:')) warnings.push(line.msg)
        done()
      },
    })
    app = await buildTestApp(
      { REDIS_URL: redis.url, LOG_LEVEL: 'warn' },
      { clock: () => now, rateLimitPerMinute: 10, rateLimitSyncMs: 0, logStream },
    )
    for (const job of app.jobs) await job.stop() // only the rate limit talks to Redis here
  })
  afterAll(async () => {
    await app?.app.close()
    await redis?.stop()
  })

  it('requests are still decided (in this instance alone), warned once; when it is back the counts are shipped, recovery warned once', async () => {
    const codes = [await status(app, '203.0.113.9'), await status(app, '203.0.113.9')]
    await app.rateLimit?.flush()
    expect(warnings).toEqual([])

    await redis.stop()
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 4; j++) codes.push(await status(app, '203.0.113.9'))
      await app.rateLimit?.flush()
    }
    // 10 admitted by this instance's own count, the rest refused: never failed, never waiting for Redis
    expect(codes).toEqual([...Array(10).fill(200), ...Array(4).fill(429)])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/failed or does not answer/)

    await redis.start() // empty: it lost the counts it had
    // ioredis reconnects on its own schedule: sync until a batch gets through
    for (let i = 0; i < 200 && warnings.length < 2; i++) {
      await app.rateLimit?.flush()
      if (warnings.length < 2) await sleep(25)
    }
    expect(warnings).toHaveLength(2)
    expect(warnings[1]).toMatch(/answers again/)
    const check = new Redis(redis.url)
    try {
      // the admissions made while it was down
      expect(Number(await check.get(`upkit:ratelimit:${WINDOW}:${Math.floor(now / WINDOW)}:203.0.113.9`))).toBe(8)
    } finally {
      await check.quit()
    }
  }, 60_000)
})
