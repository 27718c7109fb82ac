import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startTestServer } from '../test/harness.ts'
import { platformNotify } from '../test/processes.ts'
import { parseTrustProxy } from './trust-proxy.ts'
import { STARTER_CSP_HASH } from './security-headers.ts'

const json = { 'content-type': 'application/json' }

describe('rate limits are decided on the routed path', () => {
  it('percent-encoded first segments (/%61pi/..., /%6Eotify/...) count like the routes they reach', async () => {
    // (a notification route counts only the notifications it refuses: these unsigned ones)
    const s = await startTestServer({}, { rateLimitPerMinute: 3 })
    try {
      for (const [plain, encoded] of [
        ['/api/me', '/%61pi/me'],
        ['/notify/unionpay/contract', '/%6Eotify/unionpay/contract'],
      ] as const) {
        const method = plain.startsWith('/notify') ? 'POST' : 'GET'
        const codes: number[] = []
        for (let i = 0; i < 5; i++) {
          const url = i % 2 ? encoded : plain
          const r = await s.app.inject({ method, url, remoteAddress: `10.0.0.${plain.length}` })
          codes.push(r.statusCode)
        }
        expect(codes.slice(3)).toEqual([429, 429])
      }
      // each encoded path on its own is limited too (a fresh client address)
      const codes: number[] = []
      for (let i = 0; i < 4; i++)
        codes.push((await s.app.inject({ method: 'GET', url: '/%61pi/me', remoteAddress: '10.9.9.9' })).statusCode)
      expect(codes).toEqual([401, 401, 401, 429])
    } finally {
      await s.close()
    }
  })

  it("a platform's genuine notifications never meet the limit; an address sending forgeries is turned away", async () => {
    const s = await startTestServer({}, { rateLimitPerMinute: 3 })
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const chinaums = (body: string, remoteAddress: string) =>
      s.app.inject({ method: 'POST', url: '/notify/chinaums', payload: body, headers: form, remoteAddress })
    try {
      // 银商 sends every merchant's notifies from a few addresses: twice the limit from one, all verified
      for (let i = 0; i < 6; i++) {
        const r = await chinaums(platformNotify(`1017${String(i).padStart(24, '0')}`, 100), '203.0.113.9')
        expect(r.statusCode).toBe(200) // FAILED (no such order here), but signed by 银商: not counted
      }
      const forged = platformNotify('10170000000000000000000000099', 100).replace(/sign=[^&]+/, 'sign=00')
      for (let i = 0; i < 3; i++) expect((await chinaums(forged, '203.0.113.66')).body).toBe('FAILED')
      const turnedAway = await chinaums(platformNotify('10170000000000000000000000001', 100), '203.0.113.66')
      expect(turnedAway.statusCode).toBe(429)
      expect(Number(turnedAway.headers['retry-after'])).toBeGreaterThan(0)
      expect((await chinaums(forged, '203.0.113.9')).body).toBe('FAILED') // the genuine sender is not affected
      // 全渠道: unreadable or unsigned bodies count the same way
      const acp = () =>
        s.app.inject({
          method: 'POST',
          url: '/notify/unionpay/acp',
          payload: 'orderId=1',
          headers: form,
          remoteAddress: '203.0.113.77',
        })
      expect([(await acp()).statusCode, (await acp()).statusCode, (await acp()).statusCode]).toEqual([400, 400, 400])
      expect((await acp()).statusCode).toBe(429)
    } finally {
      await s.close()
    }
  })
})

describe('X-Forwarded-For is trusted only as TRUST_PROXY says', () => {
  const hammer = async (env: Record<string, string>, remoteAddress: string, xff: (i: number) => string) => {
    const s = await startTestServer({ PUBLIC_BASE_URL: 'https://h5.example.com', ...env }, { rateLimitPerMinute: 3 })
    try {
      const codes: number[] = []
      for (let i = 0; i < 6; i++) {
        const r = await s.app.inject({
          method: 'GET',
          url: '/healthz',
          remoteAddress,
          headers: { 'x-forwarded-for': xff(i) },
        })
        codes.push(r.statusCode)
      }
      return codes
    } finally {
      await s.close()
    }
  }

  it('by default (even with an https PUBLIC_BASE_URL) a forged X-Forwarded-For changes nothing', async () => {
    expect(await hammer({}, '203.0.113.7', (i) => `198.51.100.${i}`)).toEqual([200, 200, 200, 429, 429, 429])
  })

  it('with TRUST_PROXY=1 the proxy’s X-Forwarded-For names the client', async () => {
    expect(await hammer({ TRUST_PROXY: '1' }, '127.0.0.1', (i) => `198.51.100.${i}`)).toEqual([
      200, 200, 200, 200, 200, 200,
    ])
  })

  it('with a CIDR list only the listed proxies are believed', async () => {
    expect(await hammer({ TRUST_PROXY: '10.0.0.0/8' }, '10.1.2.3', (i) => `198.51.100.${i}`)).toEqual([
      200, 200, 200, 200, 200, 200,
    ])
    expect(await hammer({ TRUST_PROXY: '10.0.0.0/8' }, '203.0.113.7', (i) => `198.51.100.${i}`)).toEqual([
      200, 200, 200, 429, 429, 429,
    ])
  })

  it('logs the address as resolved (never a forged one)', async () => {
    const lines: string[] = []
    const logStream = { write: (l: string) => (lines.push(l), true) } as unknown as NodeJS.WritableStream
    // access lines of answered requests are written at debug
    const s = await startTestServer({ LOG_LEVEL: 'debug' }, { logStream })
    try {
      await s.app.inject({
        method: 'GET',
        url: '/healthz',
        remoteAddress: '203.0.113.7',
        headers: { 'x-forwarded-for': '6.6.6.6' },
      })
      const log = lines.join('\n')
      expect(log).toContain('203.0.113.7')
      expect(log).not.toContain('6.6.6.6')
    } finally {
      await s.close()
    }
  })

  it('parses hop counts and CIDR lists and names bad entries', () => {
    expect(parseTrustProxy(undefined)).toEqual({ value: false })
    expect(parseTrustProxy('2')).toEqual({ value: 2 })
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.1, ::1/128, loopback')).toEqual({
      value: ['10.0.0.0/8', '192.168.1.1', '::1/128', 'loopback'],
    })
    expect(parseTrustProxy('10.0.0.0/33')).toEqual({ problem: 'not an IP address or CIDR: 10.0.0.0/33' })
    expect(parseTrustProxy('proxy.example.com')).toHaveProperty('problem')
    expect(parseTrustProxy('99')).toHaveProperty('problem')
  })
})

describe('CSRF: state changes only from the app’s own pages, in JSON', () => {
  it('refuses a foreign Origin, a cross-site Sec-Fetch-Site, and form bodies; notifications stay exempt', async () => {
    const s = await startTestServer()
    try {
      const own = new URL(s.baseUrl).origin
      const post = (url: string, headers: Record<string, string>, payload = '{}') =>
        s.app.inject({ method: 'POST', url, headers, payload })
      const foreign = await post('/api/contract/relieve', { ...json, origin: 'http://127.0.0.1:1' })
      expect(foreign.statusCode).toBe(403)
      expect(foreign.json()).toMatchObject({ error: { code: 'CROSS_ORIGIN_REFUSED' } })
      expect((await post('/api/oauth/logout', { ...json, 'sec-fetch-site': 'same-site' })).statusCode).toBe(403)
      expect((await post('/%61pi/oauth/logout', { ...json, origin: 'null' })).statusCode).toBe(403)
      const form = await post(
        '/api/contract/relieve',
        { origin: own, 'content-type': 'application/x-www-form-urlencoded' },
        'planId=PLAN0001',
      )
      expect(form.statusCode).toBe(415)
      expect((await post('/api/oauth/logout', { origin: own, 'content-type': 'text/plain' }, 'x')).statusCode).toBe(415)
      // the app's own page, and non-browser clients (no Origin, no Sec-Fetch-Site) pass the guard
      expect((await post('/api/contract/relieve', { ...json, origin: own })).statusCode).toBe(401)
      expect((await post('/api/contract/relieve', { ...json, 'sec-fetch-site': 'same-origin' })).statusCode).toBe(401)
      expect((await s.app.inject({ method: 'POST', url: '/api/oauth/logout' })).statusCode).not.toBe(403)
      // server-to-server notifications are exempt: a form from anywhere reaches the verifier
      const notify = await post(
        '/notify/chinaums',
        { origin: 'http://elsewhere.example', 'content-type': 'application/x-www-form-urlencoded' },
        'a=1',
      )
      expect(notify.statusCode).toBe(200)
      expect(notify.body).toBe('FAILED')
    } finally {
      await s.close()
    }
  })
})

describe('hardening', () => {
  const dist = () => {
    const dir = mkdtempSync(join(tmpdir(), 'upkit-dist-'))
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
    writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log(1)')
    writeFileSync(join(dir, 'assets', 'app-1.js.map'), '{"version":3}')
    return dir
  }

  it('serves bundles but never their source maps', async () => {
    const s = await startTestServer({}, { distDir: dist() })
    try {
      expect((await s.app.inject({ method: 'GET', url: '/assets/app-1.js' })).statusCode).toBe(200)
      const map = await s.app.inject({ method: 'GET', url: '/assets/app-1.js.map' })
      expect(map.statusCode).toBe(404)
      expect(map.body).not.toContain('"version"')
    } finally {
      await s.close()
    }
  })

  it('a CSP that allows the app’s own scripts and upsdk.js’s origin, and no script on server pages', async () => {
    const prod = await startTestServer(
      { VITE_UPSDK_URL: 'https://open.95516.com/s/open/js/upsdk.js' },
      { distDir: dist() },
    )
    try {
      const page = await prod.app.inject({ method: 'GET', url: '/profile' })
      const csp = String(page.headers['content-security-policy'])
      expect(csp).toContain(`script-src 'self' ${STARTER_CSP_HASH} https://open.95516.com`)
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("connect-src 'self'")
      expect(csp).not.toContain('unsafe')
      const sandboxPage = await prod.app.inject({ method: 'GET', url: '/sandbox/' })
      expect(String(sandboxPage.headers['content-security-policy'])).toMatch(/^default-src 'none'/)
    } finally {
      await prod.close()
    }
    const sandbox = await startTestServer({}, { distDir: dist() })
    try {
      const csp = String((await sandbox.app.inject({ method: 'GET', url: '/' })).headers['content-security-policy'])
      expect(csp).toContain(`script-src 'self' ${STARTER_CSP_HASH};`) // the stub is part of the bundle; the starter by its hash
    } finally {
      await sandbox.close()
    }
  })

  it('HSTS only when the public origin is https', async () => {
    const https = await startTestServer({ PUBLIC_BASE_URL: 'https://h5.example.com' })
    const http = await startTestServer()
    try {
      expect((await https.app.inject({ method: 'GET', url: '/healthz' })).headers['strict-transport-security']).toBe(
        'max-age=31536000; includeSubDomains',
      )
      expect(
        (await http.app.inject({ method: 'GET', url: '/healthz' })).headers['strict-transport-security'],
      ).toBeUndefined()
    } finally {
      await https.close()
      await http.close()
    }
  })

  it('slow clients cannot hold connections: request, headers and keep-alive timeouts are set', async () => {
    const s = await startTestServer()
    try {
      expect(s.app.server.requestTimeout).toBe(30_000)
      expect(s.app.server.headersTimeout).toBe(15_000)
      expect(s.app.server.keepAliveTimeout).toBe(5_000)
    } finally {
      await s.close()
    }
  })
})
