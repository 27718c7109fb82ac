import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { registerErrorHandler } from './error-handler.ts'
import { AddressWindows, refuseNotification, registerRateLimit } from './rate-limit.ts'

describe('AddressWindows', () => {
  it('counts each address in its own window, which starts at its first request', () => {
    let now = 1_000_000
    const w = new AddressWindows({ windowMs: 60_000, clock: () => now })
    expect([w.hit('a').count, w.hit('a').count, w.hit('b').count]).toEqual([1, 2, 1])
    now += 59_999
    expect(w.hit('a')).toEqual({ count: 3, resetAt: 1_060_000 })
    now += 1
    expect(w.hit('a')).toEqual({ count: 1, resetAt: 1_120_000 })
  })

  it('past maxAddresses forgets the least recently seen address, not a busy one', () => {
    const w = new AddressWindows({ maxAddresses: 2, clock: () => 0 })
    w.hit('busy')
    w.hit('other')
    w.hit('busy') // now the most recently seen
    w.hit('new') // evicts "other"
    expect(w.hit('busy').count).toBe(3)
    expect(w.hit('other').count).toBe(1)
  })
})

describe('registerRateLimit', () => {
  async function app(max: number) {
    let now = 5_000
    const a = Fastify({ logger: false })
    registerErrorHandler(a)
    registerRateLimit(a, { max, clock: () => now })
    a.get('/api/x', async () => ({ ok: true }))
    a.get('/assets/x.js', async () => 'x')
    a.post('/notify/exempt', { config: { rateLimit: false } }, async () => 'ok')
    // a platform's notification route: refuses a notification whose body says "forged"
    a.post('/notify/platform', { config: { rateLimit: 'refused-notifications' } }, async (req) => {
      if (req.body === 'forged') {
        refuseNotification(req)
        return 'FAILED'
      }
      return 'SUCCESS'
    })
    await a.ready()
    return { a, advance: (ms: number) => (now += ms) }
  }

  it('limits the dynamic routes per address and says so in headers; 429 names the wait', async () => {
    const { a, advance } = await app(2)
    const first = await a.inject({ method: 'GET', url: '/api/x', remoteAddress: '10.0.0.1' })
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '1',
      'x-ratelimit-reset': '60',
    })
    await a.inject({ method: 'GET', url: '/api/x', remoteAddress: '10.0.0.1' })
    advance(20_000)
    const refused = await a.inject({ method: 'GET', url: '/api/x', remoteAddress: '10.0.0.1' })
    expect(refused.statusCode).toBe(429)
    expect(refused.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } })
    expect(refused.headers).toMatchObject({ 'x-ratelimit-remaining': '0', 'retry-after': '40' })
    // another address has its own count; the window ends and the first is served again
    expect((await a.inject({ method: 'GET', url: '/api/x', remoteAddress: '10.0.0.2' })).statusCode).toBe(200)
    advance(40_000)
    expect((await a.inject({ method: 'GET', url: '/api/x', remoteAddress: '10.0.0.1' })).statusCode).toBe(200)
  })

  it('leaves static files and routes that opt out uncounted', async () => {
    const { a } = await app(1)
    for (let i = 0; i < 3; i++) {
      const asset = await a.inject({ method: 'GET', url: '/assets/x.js' })
      expect(asset.statusCode).toBe(200)
      expect(asset.headers['x-ratelimit-limit']).toBeUndefined()
      expect((await a.inject({ method: 'POST', url: '/notify/exempt' })).statusCode).toBe(200)
    }
  })

  it('a notification route never limits accepted notifications; an address is turned away after max refusals', async () => {
    const { a, advance } = await app(2)
    const send = (body: string, remoteAddress = '198.51.100.1') =>
      a.inject({
        method: 'POST',
        url: '/notify/platform',
        payload: body,
        headers: { 'content-type': 'text/plain' },
        remoteAddress,
      })
    for (let i = 0; i < 5; i++) {
      const r = await send('genuine')
      expect([r.statusCode, r.body]).toEqual([200, 'SUCCESS'])
      expect(r.headers['x-ratelimit-limit']).toBeUndefined()
    }
    expect((await send('forged')).body).toBe('FAILED')
    expect((await send('genuine')).body).toBe('SUCCESS') // one refusal: still under the limit
    expect((await send('forged')).body).toBe('FAILED')
    advance(15_000)
    // two refusals: this address is turned away, whatever it sends, until its window ends
    for (const body of ['genuine', 'forged']) {
      const r = await send(body)
      expect(r.statusCode).toBe(429)
      expect(r.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } })
      expect(r.headers['retry-after']).toBe('45')
    }
    expect((await send('genuine', '198.51.100.2')).body).toBe('SUCCESS') // another address is not
    advance(45_000)
    expect((await send('genuine')).body).toBe('SUCCESS')
  })
})
