import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_USERS } from './sandbox/unionpay/state.ts'
import { freePort, startTestServer, type TestServer } from './test/harness.ts'

const redisUrl = process.env.UPKIT_TEST_REDIS_URL
const IN_APP_UA = 'Mozilla/5.0 (Linux; Android 14) (com.unionpay.chsp) (cordova 4.5.4)'

/**
 * Two server instances behind one public origin, sharing Redis (tokens, locks, OAuth state,
 * the call budget) and one SQLite file (sessions), both talking to instance A's sandbox.
 */
describe.skipIf(!redisUrl)('several instances sharing Redis and the record store', () => {
  let a: TestServer
  let b: TestServer

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upkit-multi-'))
    const portA = await freePort()
    const shared = {
      REDIS_URL: `${redisUrl}`,
      DATABASE_URL: `sqlite:${join(dir, 'upkit.db')}`,
      PUBLIC_BASE_URL: `http://127.0.0.1:${portA}`,
      UNIONPAY_OPEN_BASE_URL: `http://127.0.0.1:${portA}/sandbox/unionpay`,
      UNIONPAY_CALLS_PER_MINUTE: '1000',
    }
    a = await startTestServer({ ...shared, PORT: String(portA) })
    b = await startTestServer({ ...shared })
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  const frontTokenFetches = () => a.sandbox?.unionpay.calls.filter((c) => c.api === 'frontToken').length ?? 0

  it('fetch the frontToken once for concurrent cold requests on both instances', async () => {
    await a.app.inject({ method: 'POST', url: '/sandbox/__control/unionpay/expire-tokens' })
    const before = frontTokenFetches()
    const url = `${a.baseUrl}/`
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`${i % 2 ? a.baseUrl : b.baseUrl}/api/upsdk/config`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url }),
        }),
      ),
    )
    expect(
      await Promise.all(replies.map(async (r) => `${r.status} ${r.status === 200 ? '' : await r.text()}`)),
    ).toEqual(Array(30).fill('200 '))
    // a cached token from an earlier run may be reused; never more than one fetch
    expect(frontTokenFetches() - before).toBeLessThanOrEqual(1)
  })

  it('a login started on one instance completes on the other, and the session works on both', async () => {
    const start = await a.app.inject({
      method: 'GET',
      url: '/api/oauth/authorize?scope=upapi_base&redirect=/profile',
      headers: { 'user-agent': IN_APP_UA },
    })
    expect(start.statusCode).toBe(302)
    const location = new URL(String(start.headers.location))
    const state = location.searchParams.get('state') ?? ''
    const redirectUri = location.searchParams.get('redirectUri') ?? ''
    const binding = String(start.headers['set-cookie']).split(';')[0] ?? ''
    const user = DEFAULT_USERS[0]
    if (!a.sandbox || !user) throw new Error('no sandbox')
    const code = a.sandbox.unionpay.issueCode({ openId: user.openId, scope: 'upapi_base', redirectUri })
    const callback = await b.app.inject({
      method: 'GET',
      url: `/api/oauth/callback?code=${encodeURIComponent(code.code)}&state=${state}`,
      headers: { cookie: binding },
    })
    expect(callback.statusCode).toBe(302)
    expect(callback.headers.location).toBe('/profile')
    const session = String(callback.headers['set-cookie']).match(/upkit_sid=[^;]+/)?.[0] ?? ''
    for (const inst of [a, b]) {
      const me = await inst.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: session } })
      expect(me.statusCode).toBe(200)
      expect(me.json()).toMatchObject({ openId: user.openId })
    }
    // the state was spent on B: replaying it on A fails
    const replay = await a.app.inject({
      method: 'GET',
      url: `/api/oauth/callback?code=x&state=${state}`,
      headers: { cookie: binding },
    })
    expect(replay.statusCode).toBe(400)
  })

  it('share one call budget', async () => {
    const key = `budget-test-${Date.now()}`
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).ctx.kv.admit(key, 5, 60_000)),
    )
    expect(results.filter(Boolean)).toHaveLength(5)
  })
})
