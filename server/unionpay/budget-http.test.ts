import { createServer, type Server } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DomainError } from '../errors.ts'
import { DEFAULT_USERS } from '../sandbox/unionpay/state.ts'
import { SESSION_COOKIE } from '../session/plugin.ts'
import { RedisKv } from '../store/redis-kv.ts'
import { busiestWindow, seededRandom } from '../test/budget-sim.ts'
import { startTestServer, type TestServer } from '../test/harness.ts'
import { CallBudget } from './budget.ts'
import { UnionpayClient } from './client.ts'

describe('per-user quota: one user cannot spend the appId’s minute', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer({ UNIONPAY_CALLS_PER_MINUTE: '60', UNIONPAY_CALLS_PER_USER_PER_MINUTE: '10' })
  })
  afterAll(async () => s.close())

  /** A logged-in session with a live accessToken, as the OAuth callback leaves it. */
  async function sessionFor(userIndex: number): Promise<string> {
    const user = DEFAULT_USERS[userIndex]
    const platform = s.sandbox?.unionpay
    if (!user || !platform) throw new Error('no sandbox')
    const code = platform.issueCode({
      openId: user.openId,
      scope: 'upapi_mobile',
      redirectUri: `${s.baseUrl}/`,
      mobileGranted: true,
    })
    const token = platform.issueAccessToken(code)
    const { id } = await s.ctx.sessions.create({
      openId: user.openId,
      scope: 'upapi_mobile',
      accessToken: token.accessToken,
      accessExpiresAt: token.expiresAt,
    })
    return `${SESSION_COOKIE}=${id}`
  }

  it('repeating POST /api/me/mobile gets 429 past the user’s quota; other users and the appId are unaffected', async () => {
    const alice = await sessionFor(0)
    const mobileCalls = () => s.sandbox?.unionpay.calls.filter((c) => c.api === 'user.mobile').length ?? 0
    const before = mobileCalls()
    const codes: number[] = []
    for (let i = 0; i < 40; i++) {
      const r = await s.app.inject({ method: 'POST', url: '/api/me/mobile', headers: { cookie: alice } })
      codes.push(r.statusCode)
      if (r.statusCode === 429) expect(r.json()).toMatchObject({ error: { code: 'UPSTREAM_USER_QUOTA' } })
    }
    expect(codes.filter((c) => c === 200)).toHaveLength(10)
    expect(codes.filter((c) => c === 429)).toHaveLength(30)
    expect(mobileCalls() - before).toBe(10)
    const bob = await sessionFor(0)
    // the same user in another session shares the quota; a different user has their own
    expect((await s.app.inject({ method: 'POST', url: '/api/me/mobile', headers: { cookie: bob } })).statusCode).toBe(
      429,
    )
    const other = await sessionFor(1)
    const r = await s.app.inject({ method: 'POST', url: '/api/me/mobile', headers: { cookie: other } })
    expect(r.statusCode).not.toBe(429)
    expect(s.sandbox?.unionpay.blacklistedUntil).toBe(0)
  })
})

const redisUrl = process.env.UPKIT_TEST_REDIS_URL

/**
 * Real clock, real HTTP, real Redis: three instances (each its own Redis connection) call the
 * sandbox through a proxy that, window by window, holds every request for the client's whole
 * timeout (some a bit longer: calls we gave up on still arrive) or passes it at once. The sandbox counts arrivals in a window shrunk to
 * 2 s so that several windows pass in a few seconds.
 */
describe.skipIf(!redisUrl)(
  'call budget on a real clock: 3 instances, Redis, calls arriving up to their timeout',
  () => {
    const WINDOW = 2_000
    const LIMIT = 20
    const TIMEOUT = 300
    let platform: TestServer
    let proxy: Server
    let proxyUrl = ''

    beforeAll(async () => {
      platform = await startTestServer()
      const state = platform.sandbox?.unionpay
      if (!state) throw new Error('no sandbox')
      state.callWindowMs = WINDOW
      state.callsPerMinuteLimit = LIMIT
      const rnd = seededRandom(3)
      const opened = Date.now()
      proxy = createServer((req, res) => {
        const chunks: Buffer[] = []
        req.on('data', (c: Buffer) => chunks.push(c))
        req.on('end', () => {
          // windows of late arrivals (the whole timeout, some just past it) alternate with prompt ones
          const late = Math.floor((Date.now() - opened) / WINDOW) % 2 === 0
          const hold = late ? TIMEOUT + (rnd() < 0.1 ? 40 : 0) : rnd() * 30
          setTimeout(() => {
            fetch(`${platform.baseUrl}${req.url ?? '/'}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: Buffer.concat(chunks),
            })
              .then(async (r) => {
                res.writeHead(r.status, { 'content-type': 'application/json' })
                res.end(await r.text())
              })
              .catch(() => res.destroy())
          }, hold)
        })
      })
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
      const addr = proxy.address()
      proxyUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
    })
    afterAll(async () => {
      proxy?.closeAllConnections()
      await new Promise((resolve) => proxy?.close(resolve))
      await platform?.close()
    })

    it('the platform never sees more than the budget in any window, and never blacklists', async () => {
      const prefix = `upkit-realclock-${Date.now()}:`
      const kvs = [0, 1, 2].map(() => new RedisKv(redisUrl ?? '', prefix))
      const started = Date.now()
      try {
        const clients = kvs.map(
          (kv) =>
            new UnionpayClient({
              baseUrl: `${proxyUrl}/sandbox/unionpay`,
              timeoutMs: TIMEOUT,
              // The held requests are forwarded by this same busy process, on a machine shared by
              // several test runs: one can reach the sandbox a second after the client gave up.
              budget: new CallBudget(kv, 'budget:realclock', LIMIT, Date.now, {
                windowMs: WINDOW,
                marginMs: 100,
                abandonedGraceMs: 1_500,
              }),
            }),
        )
        const until = started + 3 * WINDOW
        let admitted = 0
        const worker = async (client: UnionpayClient) => {
          while (Date.now() < until) {
            try {
              await client.call('backendToken', {})
              admitted++
            } catch (err) {
              if (err instanceof DomainError && err.code === 'UPSTREAM_BUDGET_EXHAUSTED') await sleep(20)
              else admitted++ // admitted; the platform answered an error or we timed out
            }
          }
        }
        await Promise.all(clients.flatMap((c) => Array.from({ length: 4 }, () => worker(c))))
        const state = platform.sandbox?.unionpay
        const arrived = () =>
          (state?.calls ?? []).filter((c) => c.api === 'backendToken' && c.at >= started).map((c) => c.at)
        // let held calls land (on a loaded machine the proxy forwards some seconds late)
        await sleep(TIMEOUT + 1_500)
        for (let i = 0; i < 100 && arrived().length < admitted; i++) await sleep(100)
        const arrivals = arrived()
        expect(state?.blacklistedUntil).toBe(0)
        expect(arrivals.length).toBe(admitted)
        expect(arrivals.length).toBeGreaterThan(LIMIT) // several windows were used
        expect(busiestWindow(arrivals, WINDOW)).toBeLessThanOrEqual(LIMIT)
      } finally {
        await Promise.all(kvs.map((k) => k.close()))
      }
    })
  },
)
