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
import { signUpsdkConfig } from './upsdk-config.ts'
import { seededRandom } from '../test/budget-sim.ts'

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
    const tokens = await Promise.all([
      ...Array.from({ length: 10 }, () => a.get('backend')),
      ...Array.from({ length: 10 }, () => b.get('backend')),
    ])
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
  it('answers 503 past the budget; an answered call counts until a window (plus margin) after its answer', async () => {
    let now = 1_700_000_000_000
    const p = fakePlatform()
    const kv = new MemoryKv(() => now)
    const budget = new CallBudget(kv, 'b', 5, () => now, { marginMs: 2_000 })
    const client = new UnionpayClient({ baseUrl: 'http://x', timeoutMs: 1000, budget, fetch: p.fetch })
    for (let i = 0; i < 5; i++) await client.call('backendToken', {})
    const err = await client.call('backendToken', {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DomainError)
    expect(err).toMatchObject({ kind: 'unavailable', code: 'UPSTREAM_BUDGET_EXHAUSTED' })
    expect(p.calls).toHaveLength(5)
    now += 61_000
    await expect(client.call('backendToken', {})).rejects.toMatchObject({ kind: 'unavailable' })
    now += 1_001
    await client.call('backendToken', {})
    expect(p.calls).toHaveLength(6)
  })
})

describe('UnionpayClient', () => {
  const budget = () => new CallBudget(new MemoryKv(), 'b', 1000)
  const reply =
    (status: number, text: string): FetchLike =>
    async () => ({ status, text: async () => text })

  it('maps resp codes to UnionpayError with the appendix-7 meaning', async () => {
    const c = new UnionpayClient({
      baseUrl: 'http://x',
      timeoutMs: 1000,
      budget: budget(),
      fetch: reply(200, '{"resp":"N62131","msg":""}'),
    })
    await expect(c.call('user.mobile', {})).rejects.toMatchObject({
      resp: 'N62131',
      meaning: expect.stringContaining('无权限'),
    })
  })

  it('treats non-JSON and resp-less replies as protocol errors', async () => {
    const html = new UnionpayClient({
      baseUrl: 'http://x',
      timeoutMs: 1000,
      budget: budget(),
      fetch: reply(502, '<html>'),
    })
    await expect(html.call('token', {})).rejects.toMatchObject({ kind: 'protocol', resp: 'HTTP_502' })
    const noResp = new UnionpayClient({
      baseUrl: 'http://x',
      timeoutMs: 1000,
      budget: budget(),
      fetch: reply(200, '{"ok":1}'),
    })
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
      const tokens = await Promise.all([
        ...Array.from({ length: 25 }, () => a.get('backend')),
        ...Array.from({ length: 25 }, () => b.get('backend')),
      ])
      expect(p.calls).toHaveLength(1)
      expect(new Set(tokens).size).toBe(1)

      const admitted = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? kvA : kvB).admit('w', 10, 60_000)),
      )
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

describe('TokenManager.reportFrontTokenRejected (the frontToken-drop policy)', () => {
  const URL_ = 'https://h5.example.com/'
  function setup() {
    let now = 1_800_000_000_000
    const p = fakePlatform()
    const tm = manager(new MemoryKv(() => now), p.fetch, () => now)
    const configFor = async () => {
      const frontToken = await tm.get('front')
      return { url: URL_, ...signUpsdkConfig('app', frontToken, URL_, now) }
    }
    return {
      tm,
      p,
      configFor,
      advance: (ms: number) => (now += ms),
      fronts: () => p.calls.filter((c) => c.api === 'frontToken').length,
    }
  }

  it('drops only on proof about the current token, once per token', async () => {
    const { tm, configFor, fronts } = setup()
    const cfg = await configFor()
    expect(await tm.reportFrontTokenRejected({ ...cfg, signature: 'a'.repeat(64) })).toBe('not-current')
    expect(await tm.reportFrontTokenRejected({ ...cfg, url: 'https://h5.example.com/x' })).toBe('not-current')
    expect(fronts()).toBe(1)
    expect(await tm.reportFrontTokenRejected(cfg)).toBe('dropped')
    expect(await tm.get('front')).toBe('frontToken-2')
    expect(await tm.reportFrontTokenRejected(cfg)).toBe('not-current') // about the old token now
    expect(fronts()).toBe(2)
  })

  it('refuses a config signed more than 5 minutes ago', async () => {
    const { tm, configFor, advance } = setup()
    const cfg = await configFor()
    advance(5 * 60_000 + 1_000)
    expect(await tm.reportFrontTokenRejected(cfg)).toBe('stale')
  })

  it('an attacker reporting every 10 s for 10 minutes gets a handful of rotations, not 60', async () => {
    const { tm, configFor, advance, fronts } = setup()
    const outcomes: string[] = []
    for (let i = 0; i < 60; i++) {
      outcomes.push(await tm.reportFrontTokenRejected(await configFor()))
      advance(10_000)
    }
    const rotations = outcomes.filter((o) => o === 'dropped').length
    expect(rotations).toBeLessThanOrEqual(7) // gaps 5, 10, 20, 40, 80, 160, 320 s ...
    expect(rotations).toBeGreaterThanOrEqual(3) // ... but genuine knock-outs 10 s apart still recover
    expect(outcomes.slice(0, 3)).toEqual(['dropped', 'dropped', 'dropped'])
    expect(fronts()).toBe(1 + rotations)
  })

  it('a concurrent report of an already-dropped token makes sure nobody signs with it', async () => {
    const { tm, configFor } = setup()
    const cfg = await configFor()
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => tm.reportFrontTokenRejected(cfg)))
    expect(outcomes.filter((o) => o === 'dropped')).toHaveLength(1)
    expect(await tm.get('front')).toBe('frontToken-2')
  })
})

describe('TokenManager: the shared store is the only copy', () => {
  it('a token dropped by one instance is dead for every instance at once', async () => {
    const p = fakePlatform()
    const kv = new MemoryKv()
    const a = manager(kv, p.fetch)
    const b = manager(kv, p.fetch)
    expect(await a.get('front')).toBe('frontToken-1')
    expect(await b.get('front')).toBe('frontToken-1')
    await a.invalidate('front', 'frontToken-1')
    expect(await b.get('front')).toBe('frontToken-2')
    expect(await a.get('front')).toBe('frontToken-2')
    // a late invalidation of the old token never drops the new one
    await b.invalidate('front', 'frontToken-1')
    expect(await a.get('front')).toBe('frontToken-2')
    expect(p.calls).toHaveLength(2)
  })

  it('requests racing an invalidation never bring the dead token back', async () => {
    const p = fakePlatform({ delayMs: 5 })
    const kv = new MemoryKv()
    const a = manager(kv, p.fetch)
    const b = manager(kv, p.fetch)
    await a.get('front')
    const racing = Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).get('front')))
    await a.invalidate('front', 'frontToken-1')
    await racing
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).get('front')))
    expect(new Set(after)).toEqual(new Set(['frontToken-2']))
  })
})

/** A store whose every operation takes a random 0–11 ms, so concurrent callers interleave in every order. */
function jitteryKv(inner: KvStore, random: () => number): KvStore {
  const later = <T>(f: () => Promise<T>) => sleep(Math.floor(random() * 12)).then(f)
  return {
    get: (k) => later(() => inner.get(k)),
    set: (k, v, t) => later(() => inner.set(k, v, t)),
    del: (k) => later(() => inner.del(k)),
    setIfAbsent: (k, v, t) => later(() => inner.setIfAbsent(k, v, t)),
    delIfEquals: (k, v) => later(() => inner.delIfEquals(k, v)),
    take: (k) => later(() => inner.take(k)),
    admit: (k, l, w, n) => later(() => inner.admit(k, l, w, n)),
    reserve: (k, l, m, e, n) => later(() => inner.reserve(k, l, m, e, n)),
    shorten: (k, m, e) => later(() => inner.shorten(k, m, e)),
    addCounts: (i, t) => later(() => inner.addCounts(i, t)),
    close: () => inner.close(),
  }
}

describe('TokenManager.reportFrontTokenRejected under concurrency', () => {
  it('reports racing the one that drops the token never leave it in use (no false backoff)', async () => {
    let now = 1_800_000_000_000
    const p = fakePlatform()
    const kv = jitteryKv(new MemoryKv(() => now), seededRandom(5))
    const a = manager(kv, p.fetch, () => now)
    const b = manager(kv, p.fetch, () => now)
    const URL_ = 'https://h5.example.com/'
    for (let round = 0; round < 8; round++) {
      now += 20 * 60_000 // past any backoff: every round's first report may drop
      const cfg = { url: URL_, ...signUpsdkConfig('app', await a.get('front'), URL_, now) }
      const outcomes = await Promise.all(
        Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).reportFrontTokenRejected(cfg)),
      )
      expect(outcomes).not.toContain('backoff')
      expect(outcomes.filter((o) => o === 'dropped')).toHaveLength(1)
      const after = await Promise.all([a.get('front'), b.get('front')])
      expect(after).toEqual([`frontToken-${round + 2}`, `frontToken-${round + 2}`])
    }
  })
})
