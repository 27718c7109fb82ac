import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_CHINAUMS, SANDBOX_UNIONPAY } from './sandbox/credentials.ts'
import { DEFAULT_USERS } from './sandbox/unionpay/state.ts'
import { startTestServer, type TestServer } from './test/harness.ts'

const IN_APP_UA = 'Mozilla/5.0 (Linux; Android 14) (com.unionpay.chsp) (cordova 4.5.4)'

/** Runs real flows with trace logging and checks that no secret or personal value reaches the log. */
describe('logs never carry secrets or personal data', () => {
  let s: TestServer
  let log = ''
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        log += chunk.toString()
        done()
      },
    })
    s = await startTestServer({ LOG_LEVEL: 'trace' }, { logStream: stream })
  })
  afterAll(async () => s.close())

  it('after signing, logging in and reading the mobile number', async () => {
    await s.app.inject({ method: 'POST', url: '/api/upsdk/config', payload: { url: `${s.baseUrl}/` } })
    const start = await s.app.inject({
      method: 'GET',
      url: '/api/oauth/authorize?scope=upapi_mobile&redirect=/profile',
      headers: { 'user-agent': IN_APP_UA },
    })
    const location = new URL(String(start.headers.location))
    const binding = String(start.headers['set-cookie']).split(';')[0] ?? ''
    const user = DEFAULT_USERS[0]
    if (!s.sandbox || !user) throw new Error('no sandbox')
    const code = s.sandbox.unionpay.issueCode({
      openId: user.openId,
      scope: 'upapi_mobile',
      redirectUri: location.searchParams.get('redirectUri') ?? '',
      mobileGranted: true,
    })
    const cb = await s.app.inject({
      method: 'GET',
      url: `/api/oauth/callback?code=${encodeURIComponent(code.code)}&state=${location.searchParams.get('state') ?? ''}`,
      headers: { cookie: binding },
    })
    expect(cb.statusCode).toBe(302)
    const session = String(cb.headers['set-cookie']).match(/upkit_sid=[^;]+/)?.[0] ?? ''
    const mobile = await s.app.inject({ method: 'POST', url: '/api/me/mobile', headers: { cookie: session } })
    expect(mobile.json()).toMatchObject({ mobile: user.mobile })

    // the flows were logged (request lines with redacted query strings)
    expect(log).toContain('/api/oauth/callback?code=%5Bredacted%5D')
    // one access line per request, from the unredacted access logger: only safe fields, request id kept
    const access = log
      .split('\n')
      .filter((l) => l.includes('"request completed"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    const callbackLine = access.find((l) =>
      String((l.req as { url?: string } | undefined)?.url).startsWith('/api/oauth/callback'),
    )
    expect(callbackLine).toMatchObject({ reqId: expect.any(String), res: { statusCode: 302 }, req: { method: 'GET' } })
    expect(Object.keys(callbackLine ?? {}).sort()).toEqual(
      ['hostname', 'level', 'msg', 'pid', 'reqId', 'req', 'res', 'responseTime', 'time'].sort(),
    )
    const secrets = [
      SANDBOX_UNIONPAY.secret,
      SANDBOX_UNIONPAY.symmetricKey,
      SANDBOX_CHINAUMS.appKey,
      SANDBOX_CHINAUMS.md5Key,
      s.sandbox.unionpay.frontToken?.token ?? 'no-front-token',
      s.sandbox.unionpay.backendToken?.token ?? 'no-backend-token',
      code.code,
      encodeURIComponent(code.code),
      user.mobile,
      session.split('=')[1] ?? 'no-session',
    ]
    for (const secret of secrets) expect(log, `log must not contain ${secret.slice(0, 4)}…`).not.toContain(secret)
  })
})
