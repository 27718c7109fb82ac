import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signNotification } from '../crypto/rsa.ts'
import { createNonceStr } from '../crypto/signing.ts'
import { sandboxRsaKeyPair } from '../sandbox/credentials.ts'
import { DEFAULT_USERS } from '../sandbox/unionpay/state.ts'
import { MemoryKv } from '../store/memory-kv.ts'
import { buildTestApp, freePort, startTestServer, type TestServer } from '../test/harness.ts'

const CLOUDPAY_UA =
  'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36 (com.unionpay.chsp) (cordova 4.5.4) (UnionPay/1.0 CloudPay)'
const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36'
const USER1 = DEFAULT_USERS[0]!
const USER2 = DEFAULT_USERS[1]!

let now = Date.now()
const clock = () => now

async function start(databaseUrl = 'sqlite::memory:'): Promise<TestServer> {
  return startTestServer({ DATABASE_URL: databaseUrl }, { clock, kv: new MemoryKv(clock), rateLimitPerMinute: 10_000 })
}

/** A tiny cookie jar for app.inject. */
class Browser {
  readonly cookies = new Map<string, string>()
  constructor(readonly ua = CLOUDPAY_UA) {}
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  take(setCookie: string | string[] | undefined): void {
    for (const c of [setCookie ?? []].flat()) {
      const [pair] = c.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
}

const pathOf = (url: string) => {
  const u = new URL(url, 'http://x')
  return `${u.pathname}${u.search}`
}

describe('OAuth2 联登 routes against the sandbox', () => {
  let t: TestServer

  beforeAll(async () => {
    t = await start()
  })
  afterAll(async () => {
    await t.app.close()
  })

  const get = async (b: Browser, url: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: pathOf(url),
      headers: { 'user-agent': b.ua, cookie: b.header() },
    })
    b.take(res.headers['set-cookie'])
    return res
  }
  const post = async (b: Browser, url: string, payload?: Record<string, string>) => {
    const res = await t.app.inject({
      method: 'POST',
      url: pathOf(url),
      headers: {
        'user-agent': b.ua,
        cookie: b.header(),
        ...(payload ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(payload ? { payload: new URLSearchParams(payload).toString() } : {}),
    })
    b.take(res.headers['set-cookie'])
    return res
  }

  /** authorize → the sandbox page → (consent) → the callback URL carrying code and state. */
  async function authorizeToCallback(
    b: Browser,
    scope: string,
    opts: { user?: number; decision?: 'agree' | 'refuse'; shareMobile?: boolean; redirect?: string } = {},
  ): Promise<string> {
    const a = await get(
      b,
      `/api/oauth/authorize?scope=${scope}&redirect=${encodeURIComponent(opts.redirect ?? '/profile')}`,
    )
    expect(a.statusCode).toBe(302)
    const page = await get(b, a.headers.location as string)
    if (page.statusCode === 303) return page.headers.location as string
    expect(page.statusCode).toBe(200)
    const q = new URL(a.headers.location as string).searchParams
    const form: Record<string, string> = {
      kind: (a.headers.location as string).includes('outApp') ? 'outapp' : 'inapp',
      appId: q.get('appId')!,
      redirectUri: q.get('redirectUri')!,
      responseType: 'code',
      scope: q.get('scope')!,
      state: q.get('state')!,
      user: String(opts.user ?? 0),
      decision: opts.decision ?? 'agree',
    }
    if (opts.shareMobile !== false) form.shareMobile = '1'
    const decided = await post(b, '/sandbox/unionpay/s/open/oauth/decide', form)
    expect(decided.statusCode).toBe(303)
    return decided.headers.location as string
  }

  async function login(scope = 'upapi_base', opts: Parameters<typeof authorizeToCallback>[2] = {}) {
    const b = new Browser()
    const callback = await authorizeToCallback(b, scope, opts)
    const res = await get(b, callback)
    expect(res.statusCode).toBe(302)
    return { b, callback, res }
  }

  describe('GET /api/oauth/authorize', () => {
    it('sends a 云闪付 user to the in-app page with a fresh state and a browser-binding cookie', async () => {
      const b = new Browser()
      const res = await get(b, '/api/oauth/authorize?scope=upapi_mobile&redirect=/profile')
      expect(res.statusCode).toBe(302)
      const loc = new URL(res.headers.location as string)
      expect(loc.href.startsWith(`http://127.0.0.1:${t.port}/sandbox/unionpay/s/open/html/oauth.html?`)).toBe(true)
      expect(loc.searchParams.get('appId')).toBe(t.ctx.config.unionpay.appId)
      expect(loc.searchParams.get('redirectUri')).toBe(`http://127.0.0.1:${t.port}/api/oauth/callback`)
      expect(loc.searchParams.get('responseType')).toBe('code')
      expect(loc.searchParams.get('scope')).toBe('upapi_mobile')
      expect(loc.searchParams.get('state')).toMatch(/^[A-Za-z0-9]{32}$/)
      const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('upkit_oauth='))
      expect(cookie).toMatch(/HttpOnly/)
      expect(cookie).toMatch(/SameSite=Lax/)
      expect(cookie).not.toMatch(/Secure/)
    })

    it('sends an ordinary browser to the outApp page with upapi_login', async () => {
      const res = await get(new Browser(DESKTOP_UA), '/api/oauth/authorize?scope=upapi_base&redirect=/')
      const loc = new URL(res.headers.location as string)
      expect(loc.pathname).toBe('/sandbox/unionpay/s/open/auth/outApp/html/outLogin.html')
      expect(loc.searchParams.get('scope')).toBe('upapi_login')
    })

    it('refuses upapi_mobile outside 云闪付 with a clear message', async () => {
      const res = await get(new Browser(DESKTOP_UA), '/api/oauth/authorize?scope=upapi_mobile')
      expect(res.statusCode).toBe(400)
      expect(res.json().error.code).toBe('SCOPE_NOT_ALLOWED')
      expect(res.json().error.message).toContain('upapi_login')
    })

    it.each([
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      '/.//evil.example',
      '/a/..//evil.example',
    ])('refuses the open redirect %s', async (r) => {
      const res = await get(new Browser(), `/api/oauth/authorize?scope=upapi_base&redirect=${encodeURIComponent(r)}`)
      expect(res.statusCode).toBe(400)
      expect(res.json().error.code).toBe('REDIRECT_NOT_ALLOWED')
    })
  })

  describe('GET /api/oauth/callback', () => {
    it('logs in with upapi_base (no consent page), keeps + and / in code and openId, returns to the saved path', async () => {
      const { b, callback, res } = await login('upapi_base', { redirect: '/pay/result?x=1' })
      expect(new URL(callback).searchParams.get('code')).toMatch(/[+/=]/)
      expect(callback).toContain('%2B')
      expect(res.headers.location).toBe('/pay/result?x=1')
      const sid = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('upkit_sid='))
      expect(sid).toMatch(/HttpOnly/)
      expect(sid).toMatch(/SameSite=Lax/)
      const me = await get(b, '/api/me')
      expect(me.statusCode).toBe(200)
      expect(me.json()).toMatchObject({ openId: USER1.openId, scope: 'upapi_base', accessTokenValid: true })
    })

    it('accepts a code whose + arrived unencoded', async () => {
      const b = new Browser()
      const callback = await authorizeToCallback(b, 'upapi_base')
      const raw = callback.replace(/%2B/g, '+').replace(/%2F/g, '/')
      const res = await get(b, raw)
      expect(res.statusCode).toBe(302)
      expect((await get(b, '/api/me')).statusCode).toBe(200)
    })

    it('replaying the callback URL does not log in again', async () => {
      const { callback } = await login()
      const again = new Browser()
      const res = await get(again, callback)
      expect(res.statusCode).toBe(400)
      expect(res.headers['content-type']).toContain('text/html')
      expect(res.body).toContain('STATE_UNKNOWN')
      expect(again.cookies.has('upkit_sid')).toBe(false)
      expect((await get(again, '/api/me')).statusCode).toBe(401)
    })

    it('refuses a state that another browser started', async () => {
      const victim = new Browser()
      const callback = await authorizeToCallback(victim, 'upapi_base')
      const attacker = new Browser()
      attacker.cookies.set('upkit_oauth', 'A'.repeat(43))
      const res = await get(attacker, callback)
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('STATE_MISMATCH')
      expect(attacker.cookies.has('upkit_sid')).toBe(false)
      // The state is spent: the victim's own use now fails too, and nobody got a session.
      expect((await get(victim, callback)).body).toContain('STATE_UNKNOWN')
    })

    it('a callback on another host than the one the login started on says so (localhost vs PUBLIC_BASE_URL)', async () => {
      const b = new Browser()
      const a = await t.app.inject({
        method: 'GET',
        url: '/api/oauth/authorize?scope=upapi_base&redirect=%2Fprofile',
        headers: { 'user-agent': b.ua, host: 'localhost:8787' },
      })
      const page = await t.app.inject({
        method: 'GET',
        url: pathOf(String(a.headers.location)),
        headers: { 'user-agent': b.ua },
      })
      expect(page.statusCode).toBe(303)
      // the platform sends the browser to PUBLIC_BASE_URL's host, where the binding cookie set on localhost is absent
      const res = await t.app.inject({
        method: 'GET',
        url: pathOf(String(page.headers.location)),
        headers: { 'user-agent': b.ua, host: '127.0.0.1:8787' },
      })
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('HOST_MISMATCH')
      expect(res.body).toContain('localhost:8787')
      expect(res.body).toContain('不是攻击')
      expect(res.body).toContain(`href="${t.baseUrl}/login?redirect=%2Fprofile"`)
      expect(String(res.headers['set-cookie'] ?? '')).not.toContain('upkit_sid')
    })

    it('refuses an unknown or missing state', async () => {
      const b = new Browser()
      expect((await get(b, '/api/oauth/callback?code=abc&state=nosuchstate')).body).toContain('STATE_UNKNOWN')
      expect((await get(b, '/api/oauth/callback?code=abc')).body).toContain('STATE_MISSING')
      expect(b.cookies.has('upkit_sid')).toBe(false)
    })

    it('a code used twice is a31: error page, no session', async () => {
      const { callback } = await login()
      const code = new URL(callback).searchParams.get('code')!
      const b = new Browser()
      const fresh = await authorizeToCallback(b, 'upapi_base')
      const state = new URL(fresh).searchParams.get('state')!
      const res = await get(b, `/api/oauth/callback?code=${encodeURIComponent(code)}&state=${state}`)
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('CODE_EXPIRED')
      expect(res.body).toContain('a31')
      expect(b.cookies.has('upkit_sid')).toBe(false)
    })

    it('a state older than 10 minutes is refused', async () => {
      const b = new Browser()
      const callback = await authorizeToCallback(b, 'upapi_base')
      now += 10 * 60_000 + 1000
      try {
        const res = await get(b, callback)
        expect(res.statusCode).toBe(400)
        expect(res.body).toContain('STATE_UNKNOWN')
        expect(b.cookies.has('upkit_sid')).toBe(false)
      } finally {
        now = Date.now()
      }
    })

    it('an expired code (older than 5 minutes) is a31', async () => {
      const b = new Browser()
      const callback = await authorizeToCallback(b, 'upapi_base')
      now += 5 * 60_000 + 1000
      try {
        const res = await get(b, callback)
        expect(res.body).toContain('CODE_EXPIRED')
      } finally {
        now = Date.now()
      }
    })

    it('a refusal (user0001) goes to the login page with a readable reason', async () => {
      const b = new Browser()
      const callback = await authorizeToCallback(b, 'upapi_mobile', { decision: 'refuse' })
      expect(new URL(callback).searchParams.get('errorcode')).toBe('user0001')
      const res = await get(b, callback)
      expect(res.statusCode).toBe(302)
      const loc = new URL(res.headers.location as string, 'http://x')
      expect(loc.pathname).toBe('/login')
      expect(loc.searchParams.get('error')).toBe('user0001')
      expect(loc.searchParams.has('message')).toBe(false)
      expect(loc.searchParams.get('redirect')).toBe('/profile')
      expect(loc.searchParams.get('scope')).toBe('upapi_mobile')
      expect(b.cookies.has('upkit_sid')).toBe(false)
    })
  })

  describe('/api/me and the user information', () => {
    it('401 without a session', async () => {
      const res = await get(new Browser(), '/api/me')
      expect(res.statusCode).toBe(401)
      expect(res.json().error.code).toBe('NOT_LOGGED_IN')
    })

    it('reads the decrypted mobile with upapi_mobile; identity needs upapi_auth (S52131)', async () => {
      const { b } = await login('upapi_mobile')
      const m = await post(b, '/api/me/mobile')
      expect(m.statusCode).toBe(200)
      expect(m.json()).toEqual({ mobile: USER1.mobile })
      expect(m.headers['cache-control']).toBe('no-store')
      const i = await post(b, '/api/me/identity')
      expect(i.statusCode).toBe(403)
      expect(i.json().error.code).toBe('SCOPE_NOT_GRANTED')
      expect(i.json().error.message).toContain('S52131')
    })

    it('upapi_base may not read the mobile (N62131)', async () => {
      const { b } = await login('upapi_base')
      const m = await post(b, '/api/me/mobile')
      expect(m.statusCode).toBe(403)
      expect(m.json().error.message).toContain('N62131')
    })

    it('a user without a mobile number gets a 404 naming why (N62136)', async () => {
      const { b } = await login('upapi_mobile', { user: 1 })
      expect((await get(b, '/api/me')).json().openId).toBe(USER2.openId)
      const m = await post(b, '/api/me/mobile')
      expect(m.statusCode).toBe(404)
      expect(m.json().error.code).toBe('NO_MOBILE')
    })

    it('upapi_auth reads the identity; a mobile the user did not share is N62135', async () => {
      const { b } = await login('upapi_auth', { shareMobile: false })
      const i = await post(b, '/api/me/identity')
      expect(i.statusCode).toBe(200)
      expect(i.json()).toEqual({
        realName: USER1.realName,
        certType: '01',
        certTypeName: '身份证',
        certId: USER1.certId,
      })
      const m = await post(b, '/api/me/mobile')
      expect(m.statusCode).toBe(404)
      expect(m.json().error.code).toBe('MOBILE_NOT_PROVIDED')
    })

    it('an expired accessToken asks the front end to log in again', async () => {
      const { b } = await login('upapi_mobile')
      now += 3600_000 + 1000
      try {
        expect((await get(b, '/api/me')).json().accessTokenValid).toBe(false)
        const m = await post(b, '/api/me/mobile')
        expect(m.statusCode).toBe(401)
        expect(m.json().error.code).toBe('ACCESS_TOKEN_EXPIRED')
      } finally {
        now = Date.now()
      }
    })

    it('logout ends the session', async () => {
      const { b } = await login()
      const sid = b.cookies.get('upkit_sid')!
      expect((await post(b, '/api/oauth/logout')).statusCode).toBe(200)
      expect(b.cookies.has('upkit_sid')).toBe(false)
      b.cookies.set('upkit_sid', sid)
      expect((await get(b, '/api/me')).statusCode).toBe(401)
    })
  })

  describe('POST /notify/unionpay/auth-revoke (用户授权解除通知)', () => {
    const signed = (params: Record<string, string>, pem = sandboxRsaKeyPair().privateKeyPem) => ({
      ...params,
      signature: signNotification(params, createPrivateKey(pem)),
    })
    const base = () => ({
      appId: t.ctx.config.unionpay.appId,
      timestamp: String(Math.floor(Date.now() / 1000)),
      nonceStr: createNonceStr(),
      openId: USER2.openId,
    })
    const notify = (payload: Record<string, string>, form = false) =>
      t.app.inject({
        method: 'POST',
        url: '/notify/unionpay/auth-revoke',
        headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
        // A raw form body, as some senders write it: + and / unencoded.
        payload: form
          ? Object.entries(payload)
              .map(([k, v]) => `${k}=${v}`)
              .join('&')
          : JSON.stringify(payload),
      })

    it('a bad signature answers 01 and changes nothing (tampered, wrong key, missing)', async () => {
      const { b } = await login('upapi_mobile', { user: 1 })
      const tampered = { ...signed(base()), openId: USER1.openId }
      expect((await notify(tampered)).json()).toEqual({ resp: '01' })
      const wrong = generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString()
      expect((await notify(signed(base(), wrong))).json()).toEqual({ resp: '01' })
      expect((await notify(base())).json()).toEqual({ resp: '01' })
      expect((await get(b, '/api/me')).statusCode).toBe(200)
      const row = t.ctx.db.prepare('SELECT revoked_at FROM users WHERE open_id = ?').get(USER2.openId) as {
        revoked_at: number | null
      }
      expect(row.revoked_at).toBeNull()
    })

    it('a good signature ends that openId’s sessions and authorisations (form body with raw +)', async () => {
      const { b } = await login('upapi_mobile', { user: 1 })
      const other = (await login('upapi_base', { user: 0 })).b
      const res = await notify(signed(base()), true)
      expect(res.json()).toEqual({ resp: '00' })
      expect((await get(b, '/api/me')).statusCode).toBe(401)
      expect((await get(other, '/api/me')).statusCode).toBe(200)
      const row = t.ctx.db.prepare('SELECT revoked_at FROM users WHERE open_id = ?').get(USER2.openId) as {
        revoked_at: number | null
      }
      expect(row.revoked_at).not.toBeNull()
      const active = t.ctx.db
        .prepare(
          'SELECT COUNT(*) AS n FROM user_authorizations a JOIN users u ON u.id = a.user_id WHERE u.open_id = ? AND a.revoked_at IS NULL',
        )
        .get(USER2.openId) as { n: number }
      expect(active.n).toBe(0)
    })

    it('accepts the GET query form (raw + and /); a replay answers 00 and does not end the next login', async () => {
      const first = await login('upapi_mobile', { user: 1 })
      const params = signed(base())
      const query = Object.entries(params)
        .map(([k, v]) => `${k}=${v}`)
        .join('&')
      expect(query).toMatch(/[+/]/)
      const res = await t.app.inject({ method: 'GET', url: `/notify/unionpay/auth-revoke?${query}` })
      expect(res.json()).toEqual({ resp: '00' })
      expect((await get(first.b, '/api/me')).statusCode).toBe(401)

      const again = await login('upapi_mobile', { user: 1 })
      const replay = await t.app.inject({ method: 'GET', url: `/notify/unionpay/auth-revoke?${query}` })
      expect(replay.json()).toEqual({ resp: '00' })
      expect((await get(again.b, '/api/me')).statusCode).toBe(200)
      const row = t.ctx.db.prepare('SELECT revoked_at FROM users WHERE open_id = ?').get(USER2.openId) as {
        revoked_at: number | null
      }
      expect(row.revoked_at).toBeNull()
    })

    it('a signed notification for another appId answers 01 and ends nothing', async () => {
      const { b } = await login('upapi_mobile', { user: 1 })
      expect((await notify(signed({ ...base(), appId: 'someoneelse' }))).json()).toEqual({ resp: '01' })
      expect((await get(b, '/api/me')).statusCode).toBe(200)
    })

    it('the sandbox control sends a signed notification; forged ones are refused', async () => {
      const { b } = await login('upapi_mobile', { user: 0 })
      const forged = await t.app.inject({
        method: 'POST',
        url: '/sandbox/unionpay/__control/auth-revoke',
        payload: { openId: USER1.openId, forge: 'wrong-key' },
      })
      expect(forged.json()).toMatchObject({ answer: { resp: '01' }, revokedTokens: 0 })
      expect((await post(b, '/api/me/mobile')).statusCode).toBe(200)
      const real = await t.app.inject({
        method: 'POST',
        url: '/sandbox/unionpay/__control/auth-revoke',
        payload: { openId: USER1.openId },
      })
      expect(real.json()).toMatchObject({ answer: { resp: '00' }, status: 200 })
      expect((await get(b, '/api/me')).statusCode).toBe(401)
    })
  })

  describe('sandbox authorize page rules', () => {
    it('refuses a redirectUri outside the 联登授权域名 (N62132)', async () => {
      const q = new URLSearchParams({
        appId: t.ctx.config.unionpay.appId,
        redirectUri: 'https://evil.example/cb',
        responseType: 'code',
        scope: 'upapi_base',
        state: 'abc',
      })
      const res = await get(new Browser(), `/sandbox/unionpay/s/open/html/oauth.html?${q}`)
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('N62132')
    })

    it('the outApp page only knows upapi_login / upapi_user', async () => {
      const q = new URLSearchParams({
        appId: t.ctx.config.unionpay.appId,
        redirectUri: `http://127.0.0.1:${t.port}/api/oauth/callback`,
        responseType: 'code',
        scope: 'upapi_mobile',
      })
      const res = await get(new Browser(DESKTOP_UA), `/sandbox/unionpay/s/open/auth/outApp/html/outLogin.html?${q}`)
      expect(res.statusCode).toBe(400)
      q.set('scope', 'upapi_login')
      const ok = await get(new Browser(DESKTOP_UA), `/sandbox/unionpay/s/open/auth/outApp/html/outLogin.html?${q}`)
      expect(ok.statusCode).toBe(200)
      expect(ok.body).toContain('同意')
    })
  })
})

describe('sessions survive a restart', () => {
  it('keeps the user logged in with a SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'upkit-oauth-'))
    const url = `sqlite:${join(dir, 'upkit.db')}`
    try {
      const first = await start(url)
      const b = new Browser()
      const a = await first.app.inject({
        method: 'GET',
        url: '/api/oauth/authorize?scope=upapi_base',
        headers: { 'user-agent': CLOUDPAY_UA },
      })
      b.take(a.headers['set-cookie'])
      const page = await first.app.inject({
        method: 'GET',
        url: pathOf(a.headers.location as string),
        headers: { cookie: b.header() },
      })
      const cb = await first.app.inject({
        method: 'GET',
        url: pathOf(page.headers.location as string),
        headers: { cookie: b.header() },
      })
      b.take(cb.headers['set-cookie'])
      expect(cb.statusCode).toBe(302)
      await first.app.close()

      const second = await start(url)
      const me = await second.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: b.header() } })
      expect(me.statusCode).toBe(200)
      expect(me.json().openId).toBe(USER1.openId)
      expect(second.ctx.db.prepare('SELECT COUNT(*) AS n FROM users').get()).toEqual({ n: 1 })
      await second.app.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('behind https', () => {
  it('marks the OAuth cookies Secure and builds an https redirectUri', async () => {
    const { app } = await buildTestApp({ PUBLIC_BASE_URL: 'https://h5.example.com' })
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/api/oauth/authorize?scope=upapi_base',
        headers: { 'user-agent': CLOUDPAY_UA },
      })
      expect(res.statusCode).toBe(302)
      expect(new URL(res.headers.location as string).searchParams.get('redirectUri')).toBe(
        'https://h5.example.com/api/oauth/callback',
      )
      const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('upkit_oauth='))
      expect(cookie).toMatch(/; Secure/)
    } finally {
      await app.close()
    }
  })

  it('logs in through the sandbox at the PUBLIC_BASE_URL host; the session cookie is Secure, HttpOnly and SameSite', async () => {
    const port = await freePort()
    const { app, sandbox } = await startTestServer({
      PORT: String(port),
      PUBLIC_BASE_URL: 'https://h5.example.com',
      // the platform (sandbox) is reached on loopback; the browser-facing origin is https
      UNIONPAY_OPEN_BASE_URL: `http://127.0.0.1:${port}/sandbox/unionpay`,
    })
    try {
      const b = new Browser()
      const a = await app.inject({
        method: 'GET',
        url: '/api/oauth/authorize?scope=upapi_base&redirect=/profile',
        headers: { 'user-agent': CLOUDPAY_UA },
      })
      b.take(a.headers['set-cookie'])
      // h5.example.com is the app's own host: the sandbox platform takes it as a 联登授权域名
      expect(sandbox!.unionpay.app.oauthHosts).toContain('h5.example.com')
      const page = await app.inject({
        method: 'GET',
        url: pathOf(a.headers.location as string),
        headers: { 'user-agent': CLOUDPAY_UA },
      })
      expect(page.statusCode).toBe(303)
      const back = new URL(page.headers.location as string)
      expect(back.origin + back.pathname).toBe('https://h5.example.com/api/oauth/callback')
      const cb = await app.inject({ method: 'GET', url: pathOf(back.toString()), headers: { cookie: b.header() } })
      expect(cb.statusCode).toBe(302)
      expect(cb.headers.location).toBe('/profile')
      const sid = [cb.headers['set-cookie']].flat().find((c) => c?.startsWith('upkit_sid='))
      expect(sid).toMatch(/; Secure/)
      expect(sid).toMatch(/; HttpOnly/)
      expect(sid).toMatch(/; SameSite=Lax/)
    } finally {
      await app.close()
    }
  })
})
