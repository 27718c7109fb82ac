import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.ts'
import type { KvStore } from '../store/kv.ts'
import { MemoryKv } from '../store/memory-kv.ts'
import { RedisKv } from '../store/redis-kv.ts'
import { CallBudget } from './budget.ts'
import { UnionpayClient, type FetchLike } from './client.ts'
import { UnionpayError } from './errors.ts'
import { TokenManager } from './tokens.ts'

/** A fake platform: counts token fetches, can delay and fail, issues numbered tokens. */
function fakePlatform(opts: { delayMs?: number; expiresIn?: number } = {}) {
  const calls: Array<{ api: string; body: Record<string, unknown> }> = []
  let n = 0
  let failNext: string | null = null
  const fetch: FetchLike = async (url, init) => {
    const api = url.split('/').pop() ?? ''
    const body = JSON.parse(init.body) as Record<string, unknown>
    calls.push({ api, body })
    if (opts.delayMs) await sleep(opts.delayMs)
    const reply = failNext
      ? { resp: failNext, msg: 'fail' }
      : { resp: '00', msg: '', params: { [api]: `${api}-${++n}`, expiresIn: opts.expiresIn ?? 7200 } }
    failNext = null
    return { status: 200, text: async () => JSON.stringify(reply) }
  }
  return {
    fetch,
    calls,
    failOnce(resp: string) {
      failNext = resp
    },
  }
}

function manager(kv: KvStore, fetch: FetchLike, clock: () => number = Date.now, perMinute = 1000) {
  const budget = new CallBudget(kv, 'budget:test', perMinute, clock)
  const client = new UnionpayClient({ baseUrl: 'http://platform.test', timeoutMs: 1000, budget, fetch })
  return new TokenManager({ client, kv, appId: 'app', secret: 'sec', clock })
}

describe('TokenManager', () => {
  it('makes one upstream call for 100 concurrent cold requests', async () => {
    const p = fakePlatform({ delayMs: 20 })
    const tm = manager(new MemoryKv(), p.fetch)
    const tokens = await Promise.all(Array.from({ length: 100 }, () => tm.get('backend')))
    expect(p.calls).toHaveLength(1)
    expect(new Set(tokens)).toEqual(new Set(['backendToken-1']))
  })

  it('sends appId, nonceStr, timestamp and a signature over secret — never the secret', async () => {
    const p = fakePlatform()
    await manager(new MemoryKv(), p.fetch).get('front')
    const body = p.calls[0]?.body ?? {}
    expect(Object.keys(body).sort()).toEqual(['appId', 'nonceStr', 'signature', 'timestamp'])
    expect(JSON.stringify(body)).not.toContain('sec')
    expect(body.timestamp).toMatch(/^\d{10}$/)
  })

  it('shares one refresh between instances that share the store', async () => {
    const p = fakePlatform({ delayMs: 30 })
    const kv = new MemoryKv()
    const a = manager(kv, p.fetch)
    const b = manager(kv, p.fetch)
    const tokens = await Promise.all([...Array.from({ length: 10 }, () => a.get('backend')), ...Array.from({ length: 10 }, () => b.get('backend'))])
    expect(p.calls).toHaveLength(1)
    expect(new Set(tokens).size).toBe(1)
  })

  it('refreshes ahead of expiry and not before', async () => {
    let now = 1_700_000_000_000
    const p = fakePlatform({ expiresIn: 7200 })
    const tm = manager(new MemoryKv(() => now), p.fetch, () => now)
    expect(await tm.get('backend')).toBe('backendToken-1')
    now += (7200 - 301) * 1000 // 5 min + 1 s left
    expect(await tm.get('backend')).toBe('backendToken-1')
    now += 2000 // under 5 min left
    expect(await tm.get('backend')).toBe('backendToken-2')
    expect(p.calls).toHaveLength(2)
  })

  it('keeps serving a still-valid token when the early refresh fails', async () => {
    let now = 1_700_000_000_000
    const p = fakePlatform({ expiresIn: 7200 })
    const tm = manager(new MemoryKv(() => now), p.fetch, () => now)
    await tm.get('backend')
    now += 7100 * 1000
    p.failOnce('BC2133')
    expect(await tm.get('backend')).toBe('backendToken-1')
  })

  it('on a10 invalidates, refreshes once and retries once', async () => {
    const p = fakePlatform()
    const tm = manager(new MemoryKv(), p.fetch)
    const seen: string[] = []
    const result = await tm.withToken('backend', async (token) => {
      seen.push(token)
      if (seen.length === 1) throw new UnionpayError('user.mobile', 'a10', 'bad token')
      return 'ok'
    })
    expect(result).toBe('ok')
    expect(seen).toEqual(['backendToken-1', 'backendToken-2'])
  })

  it('gives up after one retry when the new token is refused as well', async () => {
    const p = fakePlatform()
    const tm = manager(new MemoryKv(), p.fetch)
    let attempts = 0
    await expect(
      tm.withToken('backend', async () => {
        attempts++
        throw new UnionpayError('token', 'N62127', 'gone')
      }),
    ).rejects.toMatchObject({ resp: 'N62127' })
    expect(attempts).toBe(2)
    expect(p.calls).toHaveLength(2)
  })

  it('does not retry on other errors', async () => {
    const p = fakePlatform()
    const tm = manager(new MemoryKv(), p.fetch)
    let attempts = 0
    await expect(
      tm.withToken('backend', async () => {
        attempts++
        throw new UnionpayError('token', 'a31', 'bad code')
      }),
    ).rejects.toMatchObject({ resp: 'a31' })
    expect(attempts).toBe(1)
  })

  it('many concurrent a10 failures on the same token cause one refresh', async () => {
    const p = fakePlatform({ delayMs: 10 })
    const tm = manager(new MemoryKv(), p.fetch)
    const first = await tm.get('backend')
    await Promise.all(
      Array.from({ length: 20 }, () =>
        tm.withToken('backend', async (t) => {
          if (t === first) throw new UnionpayError('x', 'a10', '')
          return t
        }),
      ),
    )
    expect(p.calls).toHaveLength(2)
  })
})

describe('CallBudget', () => {
  it('never lets more than the budget through in any sliding minute and answers 503 past it', async () => {
    let now = 1_700_000_000_000
    const p = fakePlatform()
    const kv = new MemoryKv(() => now)
    const budget = new CallBudget(kv, 'b', 5, () => now)
    const client = new UnionpayClient({ baseUrl: 'http://x', timeoutMs: 1000, budget, fetch: p.fetch })
    for (let i = 0; i < 5; i++) await client.call('backendToken', {})
    const err = await client.call('backendToken', {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DomainError)
    expect(err).toMatchObject({ kind: 'unavailable', code: 'UPSTREAM_BUDGET_EXHAUSTED' })
    expect(p.calls).toHaveLength(5)
    now += 59_000
    await expect(client.call('backendToken', {})).rejects.toMatchObject({ kind: 'unavailable' })
    now += 1_001
    await client.call('backendToken', {})
    expect(p.calls).toHaveLength(6)
  })
})

describe('UnionpayClient', () => {
  const budget = () => new CallBudget(new MemoryKv(), 'b', 1000)
  const reply = (status: number, text: string): FetchLike => async () => ({ status, text: async () => text })

  it('maps resp codes to UnionpayError with the appendix-7 meaning', async () => {
    const c = new UnionpayClient({ baseUrl: 'http://x', timeoutMs: 1000, budget: budget(), fetch: reply(200, '{"resp":"N62131","msg":""}') })
    await expect(c.call('user.mobile', {})).rejects.toMatchObject({ resp: 'N62131', meaning: expect.stringContaining('无权限') })
  })

  it('treats non-JSON and resp-less replies as protocol errors', async () => {
    const html = new UnionpayClient({ baseUrl: 'http://x', timeoutMs: 1000, budget: budget(), fetch: reply(502, '<html>') })
    await expect(html.call('token', {})).rejects.toMatchObject({ kind: 'protocol', resp: 'HTTP_502' })
    const noResp = new UnionpayClient({ baseUrl: 'http://x', timeoutMs: 1000, budget: budget(), fetch: reply(200, '{"ok":1}') })
    await expect(noResp.call('token', {})).rejects.toMatchObject({ kind: 'protocol' })
  })

  it('times out', async () => {
    const slow: FetchLike = (_u, init) =>
      new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason as Error)))
    const c = new UnionpayClient({ baseUrl: 'http://x', timeoutMs: 50, budget: budget(), fetch: slow })
    await expect(c.call('token', {})).rejects.toMatchObject({ kind: 'timeout', resp: 'TIMEOUT' })
  })
})

const redisUrl = process.env.UPKIT_TEST_REDIS_URL
describe.skipIf(!redisUrl)('with Redis (REDIS_URL)', () => {
  it('two instances on one Redis make one upstream call and share the budget window', async () => {
    const prefix = `upkit-test-${Date.now()}:`
    const kvA = new RedisKv(redisUrl ?? '', prefix)
    const kvB = new RedisKv(redisUrl ?? '', prefix)
    try {
      const p = fakePlatform({ delayMs: 30 })
      const a = manager(kvA, p.fetch)
      const b = manager(kvB, p.fetch)
      const tokens = await Promise.all([...Array.from({ length: 25 }, () => a.get('backend')), ...Array.from({ length: 25 }, () => b.get('backend'))])
      expect(p.calls).toHaveLength(1)
      expect(new Set(tokens).size).toBe(1)

      const admitted = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? kvA : kvB).admit('w', 10, 60_000)))
      expect(admitted.filter(Boolean)).toHaveLength(10)
      expect(await kvA.setIfAbsent('l', 'x', 1000)).toBe(true)
      expect(await kvB.setIfAbsent('l', 'y', 1000)).toBe(false)
      expect(await kvB.delIfEquals('l', 'y')).toBe(false)
      expect(await kvA.delIfEquals('l', 'x')).toBe(true)
      await kvA.set('s', 'state', 1000)
      expect(await kvB.take('s')).toBe('state')
      expect(await kvA.take('s')).toBeNull()
    } finally {
      await kvA.close()
      await kvB.close()
    }
  })
})
