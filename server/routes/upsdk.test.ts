import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256Hex } from '../crypto/signing.ts'
import { startTestServer, type TestServer } from '../test/harness.ts'

describe('POST /api/upsdk/config (against the sandbox over HTTP)', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer()
  })
  afterAll(async () => s.close())

  const post = (payload: string, contentType = 'application/json') =>
    s.app.inject({ method: 'POST', url: '/api/upsdk/config', payload, headers: { 'content-type': contentType } })

  it('signs the page URL without #fragment with the current frontToken', async () => {
    const url = `${s.baseUrl}/pay?amount=1&x=中文`
    const res = await post(JSON.stringify({ url: `${url}#/section` }))
    expect(res.statusCode).toBe(200)
    const body = res.json<{ appId: string; timestamp: string; nonceStr: string; signature: string }>()
    expect(Object.keys(body).sort()).toEqual(['appId', 'nonceStr', 'signature', 'timestamp'])
    const frontToken = s.sandbox?.unionpay.frontToken?.token ?? ''
    expect(frontToken).not.toBe('')
    expect(body.signature).toBe(
      sha256Hex(
        `appId=${body.appId}&frontToken=${frontToken}&nonceStr=${body.nonceStr}&timestamp=${body.timestamp}&url=${url}`,
      ),
    )
    expect(Math.abs(Number(body.timestamp) - Date.now() / 1000)).toBeLessThan(5)
    expect(JSON.stringify(body)).not.toContain(frontToken)
  })

  it('is accepted by the sandbox native check, and a tampered signature is not', async () => {
    const url = `${s.baseUrl}/`
    const body = (await post(JSON.stringify({ url }))).json<Record<string, string>>()
    const verify = (payload: Record<string, string>) =>
      s.app
        .inject({ method: 'POST', url: '/sandbox/unionpay/__upsdk/verify-config', payload })
        .then((r) => r.json<{ ok: boolean; errcode?: string }>())
    expect(await verify({ ...body, url })).toEqual({ ok: true })
    expect(await verify({ ...body, url: `${url}other` })).toMatchObject({ ok: false, errcode: 'c01' })
    expect(
      await verify({ ...body, url, signature: body.signature?.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) ?? '' }),
    ).toMatchObject({ ok: false })
  })

  it('reuses the cached frontToken (one platform call for many signatures)', async () => {
    const before = s.sandbox?.unionpay.calls.filter((c) => c.api === 'frontToken').length ?? 0
    await Promise.all(Array.from({ length: 20 }, () => post(JSON.stringify({ url: `${s.baseUrl}/a` }))))
    const after = s.sandbox?.unionpay.calls.filter((c) => c.api === 'frontToken').length ?? 0
    expect(after - before).toBeLessThanOrEqual(1)
  })

  it.each([
    [{ url: 'ftp://127.0.0.1/x' }, 'URL_INVALID'],
    [{ url: '/relative/path' }, 'URL_INVALID'],
    [{ url: 'javascript:alert(1)' }, 'URL_INVALID'],
    [{ url: 'https://evil.example.com/' }, 'URL_ORIGIN_NOT_ALLOWED'],
    [{ url: 'http://127.0.0.1.evil.com/' }, 'URL_ORIGIN_NOT_ALLOWED'],
    [{}, 'URL_REQUIRED'],
    [{ url: 42 }, 'URL_REQUIRED'],
  ])('refuses %j with 400 %s', async (payload, code) => {
    const res = await post(JSON.stringify(payload))
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: { code } })
  })

  it.each([
    ['null', 415, 'UNSUPPORTED_MEDIA_TYPE', '请求体须为 JSON 对象（Content-Type: application/json）'],
    ['[{"url":"x"}]', 415, 'UNSUPPORTED_MEDIA_TYPE', '请求体须为 JSON 对象（Content-Type: application/json）'],
    ['"x"', 415, 'UNSUPPORTED_MEDIA_TYPE', '请求体须为 JSON 对象（Content-Type: application/json）'],
    ['{"url":" "}', 400, 'URL_REQUIRED', 'url 必填：当前页面的完整地址'],
    [`{"url":"http://x/${'a'.repeat(2048)}"}`, 400, 'URL_TOO_LONG', 'url 过长（最多 2048 个字符）'],
    ['{"url":"http://"}', 400, 'URL_INVALID', 'url 必须是完整的 http(s) 地址'],
    [
      '{"url":"https://evil.example.com/x"}',
      400,
      'URL_ORIGIN_NOT_ALLOWED',
      'https://evil.example.com 不在 UPSDK 安全域名（UPSDK_ALLOWED_ORIGINS）内',
    ],
    // the url is judged first, as the page needs that answer to mend its request
    ['{"url":"ftp://x/","rejected":7}', 400, 'URL_INVALID', 'url 必须是完整的 http(s) 地址'],
  ])('answers %s with %i %s and its message', async (payload, status, code, message) => {
    const res = await post(payload)
    expect(res.statusCode).toBe(status)
    expect(res.json()).toEqual({ error: { code, message } })
  })

  it.each([
    ['a string', 'a20'],
    ['null', null],
    ['a field missing', { timestamp: '1', nonceStr: 'n' }],
    ['an empty field', { timestamp: '', nonceStr: 'n', signature: 's' }],
    ['a field over 128 characters', { timestamp: '1', nonceStr: 'n', signature: 's'.repeat(129) }],
    ['a number for a string', { timestamp: 1, nonceStr: 'n', signature: 's' }],
  ])('refuses a rejected config with %s: REJECTED_CONFIG_INVALID', async (_what, rejected) => {
    const res = await post(JSON.stringify({ url: `${s.baseUrl}/`, rejected }))
    expect(res.statusCode).toBe(400)
    expect(res.json()).toEqual({
      error: { code: 'REJECTED_CONFIG_INVALID', message: 'rejected 须为被拒绝的签名 {timestamp, nonceStr, signature}' },
    })
  })

  it('answers bad JSON, wrong media types and oversized bodies with clear errors', async () => {
    const bad = await post('{"url":')
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ error: { code: 'BAD_JSON' } })
    const big = await post(JSON.stringify({ url: `${s.baseUrl}/?${'a'.repeat(20_000)}` }))
    expect(big.statusCode).toBe(413)
    expect(big.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } })
    const text = await post('url=x', 'text/plain')
    expect(text.statusCode).toBe(415)
  })
})

describe('the sandbox token APIs are as strict as the platform', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer()
  })
  afterAll(async () => s.close())

  it('a new backendToken invalidates the previous one', async () => {
    const state = s.sandbox?.unionpay
    if (!state) throw new Error('no sandbox')
    const first = await s.ctx.tokens.get('backend')
    expect(state.isValidToken('backend', first)).toBe(true)
    await s.ctx.tokens.invalidate('backend', first)
    const second = await s.ctx.tokens.get('backend')
    expect(second).not.toBe(first)
    expect(state.isValidToken('backend', first)).toBe(false)
    expect(state.isValidToken('backend', second)).toBe(true)
  })

  it('refuses a stale timestamp, a wrong secret and missing fields with the documented codes', async () => {
    const call = (body: Record<string, unknown>) =>
      fetch(`${s.baseUrl}/sandbox/unionpay/open/access/1.0/backendToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<{ resp: string }>)
    const appId = s.config.unionpay.appId
    const ts = String(Math.floor(Date.now() / 1000))
    const sign = (secret: string, timestamp: string) =>
      sha256Hex(`appId=${appId}&nonceStr=abc&secret=${secret}&timestamp=${timestamp}`)
    expect(
      (await call({ appId, nonceStr: 'abc', timestamp: ts, signature: sign(s.config.unionpay.secret, ts) })).resp,
    ).toBe('00')
    const old = String(Number(ts) - 301)
    expect(
      (await call({ appId, nonceStr: 'abc', timestamp: old, signature: sign(s.config.unionpay.secret, old) })).resp,
    ).toBe('N62108')
    expect((await call({ appId, nonceStr: 'abc', timestamp: ts, signature: sign('wrong', ts) })).resp).toBe('N62117')
    expect((await call({ nonceStr: 'abc', timestamp: ts, signature: 'x' })).resp).toBe('N62100')
    expect((await call({ appId, timestamp: ts, signature: 'x' })).resp).toBe('N62107')
    expect((await call({ appId, nonceStr: 'abc', signature: 'x' })).resp).toBe('N62108')
    expect((await call({ appId, nonceStr: 'abc', timestamp: ts })).resp).toBe('N62104')
  })

  it('answers unknown API names like the platform (FAQ 15)', async () => {
    const r = await fetch(`${s.baseUrl}/sandbox/unionpay/open/access/1.0/user_mobile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(r.status).toBe(403)
    expect(await r.text()).toContain('refused to implement')
  })

  it('blacklists the appId past the per-minute limit, which the server budget prevents', async () => {
    const state = s.sandbox?.unionpay
    if (!state) throw new Error('no sandbox')
    state.callsPerMinuteLimit = state.callTimes.length + 2
    const call = () =>
      fetch(`${s.baseUrl}/sandbox/unionpay/open/access/1.0/backendToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
    expect((await call()).status).toBe(200)
    expect((await call()).status).toBe(200)
    const blocked = await call()
    expect(blocked.status).toBe(403)
    expect(await blocked.text()).toContain('访问控制拒绝')
  })
})

describe('health', () => {
  it('GET /healthz', async () => {
    const s = await startTestServer()
    try {
      const res = await s.app.inject({ method: 'GET', url: '/healthz' })
      expect(res.json()).toEqual({ ok: true })
    } finally {
      await s.close()
    }
  })
})

describe('a20: the app rejects our frontToken', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer()
  })
  afterAll(async () => s.close())

  const sign = (payload: Record<string, unknown>) =>
    s.app
      .inject({ method: 'POST', url: '/api/upsdk/config', payload })
      .then((r) => r.json<{ appId: string; timestamp: string; nonceStr: string; signature: string }>())
  const verify = (payload: Record<string, string>) =>
    s.app
      .inject({ method: 'POST', url: '/sandbox/unionpay/__upsdk/verify-config', payload })
      .then((r) => r.json<{ ok: boolean; errcode?: string }>())

  const fetches = () => s.sandbox?.unionpay.calls.filter((c) => c.api === 'frontToken').length ?? 0
  const rotateOnPlatform = () => s.app.inject({ method: 'POST', url: '/sandbox/__control/unionpay/rotate-front-token' })

  it('signs with a fresh token once the page reports the a20 config it was given; each token is dropped once', async () => {
    const url = `${s.baseUrl}/contract`
    const first = await sign({ url })
    expect(await verify({ ...first, url })).toEqual({ ok: true })
    // another system with our appId fetches a new frontToken
    await rotateOnPlatform()
    const stale = await sign({ url })
    expect(await verify({ ...stale, url })).toMatchObject({ ok: false, errcode: 'a20' })
    const fresh = await sign({ url, rejected: stale })
    expect(await verify({ ...fresh, url })).toEqual({ ok: true })
    const before = fetches()
    // the same report again, and reports of the old token, change nothing
    await sign({ url, rejected: stale })
    await sign({ url, rejected: first })
    expect(fetches()).toBe(before)
  })

  it('ignores anonymous, forged and stale reports: the frontToken is not rotated', async () => {
    const url = `${s.baseUrl}/`
    const good = await sign({ url })
    const before = fetches()
    await sign({ url, frontTokenRejected: true }) // the old unproven flag
    await sign({ url, rejected: { ...good, signature: 'f'.repeat(64) } })
    await sign({ url, rejected: { ...good, timestamp: String(Number(good.timestamp) - 1) } })
    await sign({ url: `${s.baseUrl}/other`, rejected: good }) // signed for another page
    expect(fetches()).toBe(before)
    const again = await sign({ url })
    expect(await verify({ ...again, url })).toEqual({ ok: true })
    const bad = await s.app.inject({ method: 'POST', url: '/api/upsdk/config', payload: { url, rejected: 'a20' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ error: { code: 'REJECTED_CONFIG_INVALID' } })
  })

  it('an attacker replaying valid reports gets the token rotated at doubling gaps, not every 10 s', async () => {
    const url = `${s.baseUrl}/`
    const before = fetches()
    // 30 rounds, back to back: fetch a config, report it as rejected
    for (let i = 0; i < 30; i++) {
      const cfg = await sign({ url })
      await sign({ url, rejected: cfg })
    }
    // a few back-to-back rotations at most (the first, plus any whose gap elapsed), never 30
    expect(fetches() - before).toBeLessThanOrEqual(2)
  })
})

describe('rate limit', () => {
  it('answers 429 with a clear error past the per-IP limit', async () => {
    const s = await startTestServer({}, { rateLimitPerMinute: 3 })
    try {
      const codes: number[] = []
      for (let i = 0; i < 4; i++) codes.push((await s.app.inject({ method: 'GET', url: '/healthz' })).statusCode)
      expect(codes).toEqual([200, 200, 200, 429])
      const res = await s.app.inject({ method: 'GET', url: '/healthz' })
      expect(res.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } })
    } finally {
      await s.close()
    }
  })
})

describe('security headers', () => {
  it('every answer says nosniff, no framing, and a strict referrer policy', async () => {
    const s = await startTestServer()
    try {
      for (const url of ['/healthz', '/api/me', '/nope']) {
        const res = await s.app.inject({ method: 'GET', url })
        expect(res.headers['x-content-type-options']).toBe('nosniff')
        expect(res.headers['x-frame-options']).toBe('DENY')
        expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
      }
    } finally {
      await s.close()
    }
  })
})
