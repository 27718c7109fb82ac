import { afterEach, describe, expect, it, vi } from 'vitest'
import { createUpsdkClient, fetchUpsdkSignature, type UpsdkConfigSignature } from './client'
import { UpsdkError } from './errors'
import { createUpsdkStub } from './stub'
import type { UpsdkGlobal } from './types'

const IN_APP_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 (com.unionpay.chsp) (cordova 4.5.4) (updebug 1) (version 929)'
const BROWSER_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari/604.1'

function setup(opts: { userAgent?: string; badSignatureFor?: string; timeoutMs?: number } = {}) {
  let url = 'https://h5.example.com/'
  const verify = vi.fn(async (_u: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Record<string, string>
    const ok = body.signature === `sig:${body.url}`
    return Response.json(ok ? { ok: true } : { ok: false, errcode: 'c01', errmsg: 'upsdk.config 验签失败' })
  })
  const stub = createUpsdkStub({
    userAgent: opts.userAgent ?? IN_APP_UA,
    getUrl: () => url,
    fetch: verify as unknown as typeof fetch,
  })
  const configSpy = vi.spyOn(stub.upsdk, 'config')
  const fetchSignature = vi.fn(async (u: string): Promise<UpsdkConfigSignature> => ({
    appId: 'app',
    timestamp: '1700000000',
    nonceStr: 'n',
    signature: u === opts.badSignatureFor ? 'tampered' : `sig:${u}`,
  }))
  const load = vi.fn(async () => stub.upsdk)
  const client = createUpsdkClient({
    load,
    fetchSignature,
    getUrl: () => url,
    userAgent: opts.userAgent ?? IN_APP_UA,
    timeoutMs: opts.timeoutMs ?? 5000,
  })
  return { client, stub, configSpy, fetchSignature, load, verify, go: (u: string) => (url = u) }
}

afterEach(() => vi.useRealTimers())

describe('createUpsdkClient', () => {
  it('loads, signs the URL without #, configures and resolves on ready; states follow', async () => {
    const { client, fetchSignature, configSpy, go } = setup()
    go('https://h5.example.com/pay?a=1#frag')
    const seen: string[] = []
    client.subscribe((s) => seen.push(s.status))
    const upsdk = await client.ready()
    expect(typeof upsdk.pay).toBe('function')
    expect(fetchSignature).toHaveBeenCalledWith('https://h5.example.com/pay?a=1')
    expect(configSpy).toHaveBeenCalledWith({
      appId: 'app',
      timestamp: '1700000000',
      nonceStr: 'n',
      signature: 'sig:https://h5.example.com/pay?a=1',
      debug: true,
    })
    expect(seen).toEqual(['loading', 'configuring', 'configuring', 'ready'])
    expect(client.state).toMatchObject({ status: 'ready', error: undefined, configCount: 1 })
  })

  it('is memoised per URL and re-configs when the URL changes', async () => {
    const { client, configSpy, go } = setup()
    const a = client.ready()
    expect(client.ready()).toBe(a)
    await a
    await client.ready()
    expect(configSpy).toHaveBeenCalledTimes(1)
    go('https://h5.example.com/orders')
    await client.ready()
    expect(configSpy).toHaveBeenCalledTimes(2)
    go('https://h5.example.com/orders#x')
    await client.ready()
    expect(configSpy).toHaveBeenCalledTimes(2)
  })

  it('rejects with a typed UpsdkError keeping the raw answer when config fails, and retries on the next call', async () => {
    const { client, configSpy } = setup({ badSignatureFor: 'https://h5.example.com/' })
    const err = await client.ready().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UpsdkError)
    expect(err).toMatchObject({
      code: 'c01',
      source: 'sdk',
      raw: { errcode: 'c01', errmsg: 'upsdk.config 验签失败' },
      method: 'config',
    })
    expect(client.state.status).toBe('error')
    await client.ready().catch(() => undefined)
    expect(configSpy).toHaveBeenCalledTimes(2)
  })

  it('outside 云闪付: rejects at once with not_in_app, loads nothing', async () => {
    const { client, load, fetchSignature } = setup({ userAgent: BROWSER_UA })
    await expect(client.ready()).rejects.toMatchObject({ code: 'not_in_app', source: 'environment' })
    await expect(client.call('scanQRCode')).rejects.toMatchObject({ code: 'not_in_app', method: 'scanQRCode' })
    expect(client.state.status).toBe('outside-app')
    expect(load).not.toHaveBeenCalled()
    expect(fetchSignature).not.toHaveBeenCalled()
  })

  it('rejects with timeout when upsdk answers neither ready nor error', async () => {
    vi.useFakeTimers()
    const silent: UpsdkGlobal = { config: vi.fn(), ready: vi.fn(), error: vi.fn() }
    const client = createUpsdkClient({
      upsdk: silent,
      userAgent: IN_APP_UA,
      getUrl: () => 'https://h5.example.com/',
      fetchSignature: async () => ({ appId: 'a', timestamp: '1', nonceStr: 'n', signature: 's' }),
      timeoutMs: 3000,
    })
    const p = client.ready().catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(3000)
    expect(await p).toMatchObject({ code: 'timeout', source: 'timeout', method: 'config' })
  })

  it('passes server errors on as source "server"', async () => {
    const client = createUpsdkClient({
      upsdk: { config: vi.fn(), ready: vi.fn(), error: vi.fn() },
      userAgent: IN_APP_UA,
      getUrl: () => 'https://evil.example.com/',
      fetchSignature: (url) =>
        fetchUpsdkSignature(url, {
          fetch: async () =>
            Response.json({ error: { code: 'URL_ORIGIN_NOT_ALLOWED', message: '不在安全域名内' } }, { status: 400 }),
        }),
    })
    await expect(client.ready()).rejects.toMatchObject({
      code: 'URL_ORIGIN_NOT_ALLOWED',
      source: 'server',
      message: '不在安全域名内',
    })
  })

  it('a superseded config attempt follows the newest one', async () => {
    const { client, go, configSpy } = setup()
    const first = client.ready()
    go('https://h5.example.com/next')
    const second = client.ready()
    await expect(first).resolves.toBe(await second)
    expect(client.state.signedUrl).toBe('https://h5.example.com/next')
    expect(configSpy).toHaveBeenCalledTimes(1)
  })

  it('call() configures first and calls the bridge exactly once', async () => {
    const { client, stub } = setup()
    stub.handle.script('scanQRCode', { answer: 'https://x' })
    const spy = vi.spyOn(stub.upsdk as Record<string, (p: unknown) => void>, 'scanQRCode')
    await expect(client.call('scanQRCode', { scanType: ['qrCode'] })).resolves.toBe('https://x')
    expect(spy).toHaveBeenCalledTimes(1)
    expect(stub.handle.calls.map((c) => c.method)).toEqual(['config', 'scanQRCode'])
  })

  it('after a c05, the next call configures again', async () => {
    const { client, stub, configSpy } = setup()
    await client.ready()
    stub.handle.script('getLocationCity', [{ fail: { errcode: 'c05', errmsg: 'x' } }])
    await expect(client.call('getLocationCity')).rejects.toMatchObject({ code: 'c05' })
    await expect(client.call('getLocationCity')).resolves.toBe('310100')
    expect(configSpy).toHaveBeenCalledTimes(2)
  })
})

describe('a20 (the app rejected our frontToken)', () => {
  function setupA20(rejectFresh = false) {
    const url = 'https://h5.example.com/contract'
    const verify = vi.fn(async (_u: RequestInfo | URL, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body)) as Record<string, string>
      if (body.signature === 'fresh' && !rejectFresh) return Response.json({ ok: true })
      return Response.json({ ok: false, errcode: 'a20', errmsg: '不合法的frontToken，或已过期' })
    })
    const stub = createUpsdkStub({ userAgent: IN_APP_UA, getUrl: () => url, fetch: verify as unknown as typeof fetch })
    const fetchSignature = vi.fn(
      async (_u: string, rejected?: UpsdkConfigSignature): Promise<UpsdkConfigSignature> => ({
        appId: 'app',
        timestamp: '1700000000',
        nonceStr: 'n',
        signature: rejected ? 'fresh' : 'stale',
      }),
    )
    const client = createUpsdkClient({
      load: async () => stub.upsdk,
      fetchSignature,
      getUrl: () => url,
      userAgent: IN_APP_UA,
      timeoutMs: 5000,
    })
    return { client, fetchSignature }
  }

  it('reports the refused signature to the server once and configures again', async () => {
    const { client, fetchSignature } = setupA20()
    await client.ready()
    expect(fetchSignature.mock.calls.map((c) => c[1]?.signature)).toEqual([undefined, 'stale'])
    expect(client.state).toMatchObject({ status: 'ready', configCount: 2 })
  })

  it('gives up with the a20 error when the fresh token is rejected too', async () => {
    const { client, fetchSignature } = setupA20(true)
    await expect(client.ready()).rejects.toMatchObject({ code: 'a20' })
    expect(fetchSignature).toHaveBeenCalledTimes(2)
  })
})

describe('fetchUpsdkSignature', () => {
  it('posts the url and validates the answer', async () => {
    const fetch = vi.fn(async () =>
      Response.json({ appId: 'a', timestamp: '1', nonceStr: 'n', signature: 's', extra: 1 }),
    )
    await expect(
      fetchUpsdkSignature('https://h5/', { fetch: fetch as unknown as typeof globalThis.fetch }),
    ).resolves.toEqual({
      appId: 'a',
      timestamp: '1',
      nonceStr: 'n',
      signature: 's',
    })
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1]
    expect(JSON.parse(String(init.body))).toEqual({ url: 'https://h5/' })
    const bad = async () => Response.json({ appId: 'a' })
    await expect(
      fetchUpsdkSignature('https://h5/', { fetch: bad as unknown as typeof globalThis.fetch }),
    ).rejects.toMatchObject({
      code: 'bad_answer',
      source: 'server',
    })
    const down = async () => {
      throw new TypeError('Failed to fetch')
    }
    await expect(
      fetchUpsdkSignature('https://h5/', { fetch: down as unknown as typeof globalThis.fetch }),
    ).rejects.toMatchObject({ code: 'network' })
  })
})

describe('the config state machine on the real script semantics (stale ready/error)', () => {
  const BASE = 'https://h5.example.com/'
  function machine(
    verdict: (body: Record<string, string>, n: number) => { ok: true } | { ok: false; errcode: string; errmsg: string },
    extra: { bridgeDelayMs?: number; timeoutMs?: number } = {},
  ) {
    let url = BASE
    let n = 0
    const verify = vi.fn(async (_u: RequestInfo | URL, init?: RequestInit) =>
      Response.json(verdict(JSON.parse(String(init?.body)) as Record<string, string>, n++)),
    )
    const stub = createUpsdkStub({
      userAgent: IN_APP_UA,
      getUrl: () => url,
      fetch: verify as unknown as typeof fetch,
      bridgeDelayMs: extra.bridgeDelayMs,
    })
    const fetchSignature = vi.fn(async (u: string, rejected?: UpsdkConfigSignature): Promise<UpsdkConfigSignature> => ({
      appId: 'app',
      timestamp: '1700000000',
      nonceStr: 'n',
      signature: rejected ? `fresh:${u}` : `sig:${u}`,
    }))
    const client = createUpsdkClient({
      load: async () => stub.upsdk,
      fetchSignature,
      getUrl: () => url,
      userAgent: IN_APP_UA,
      timeoutMs: extra.timeoutMs ?? 5000,
    })
    const configs = () => stub.handle.calls.filter((c) => c.method === 'config')
    return { client, stub, fetchSignature, configs, go: (u: string) => (url = u) }
  }

  it('a20 at the first config: one fresh signature, then ready with no user action, and the stale a20 is never replayed', async () => {
    const { client, fetchSignature, configs, go } = machine((b) =>
      b.signature?.startsWith('fresh:') || b.url !== BASE
        ? { ok: true }
        : { ok: false, errcode: 'a20', errmsg: 'frontToken 已失效' },
    )
    await expect(client.ready()).resolves.toBeDefined()
    expect(fetchSignature.mock.calls.map((c) => c[1]?.signature)).toEqual([undefined, `sig:${BASE}`])
    expect(configs().map((c) => c.outcome)).toEqual(['fail', 'success'])
    expect(client.state).toMatchObject({ status: 'ready', error: undefined })
    // a naive client re-registering error() now would get the stale a20 synchronously
    go(`${BASE}orders`)
    await expect(client.ready()).resolves.toBeDefined()
    expect(client.state.status).toBe('ready')
  })

  it('a re-config while a config is in flight waits for its answer, and ready() settles only with the new URL answer', async () => {
    const { client, stub, configs, go } = machine(() => ({ ok: true }))
    await client.ready()
    stub.handle.script('config', [{ delayMs: 150 }, { delayMs: 150 }])
    go(`${BASE}a`)
    const a = client.ready()
    go(`${BASE}b`)
    const b = client.ready()
    let settled = false
    void b.then(() => (settled = true))
    // the stale synchronous ready of the real script must not settle b early
    await new Promise((r) => setTimeout(r, 50))
    expect(settled).toBe(false)
    await expect(a).resolves.toBe(await b)
    const cs = configs()
    expect(cs.at(-1)?.outcome).toBe('success')
    expect(stub.handle.configuredUrl).toBe(`${BASE}b`)
    // one config at a time: the config for b went out after a's native answer
    for (let i = 1; i < cs.length; i++) expect(cs[i]!.at).toBeGreaterThanOrEqual(cs[i - 1]!.answeredAt ?? Infinity)
  })

  it('no plugin call after a route change goes out before the new config answer', async () => {
    const { client, stub, go } = machine(() => ({ ok: true }))
    await client.ready()
    go(`${BASE}bluetooth`)
    stub.handle.script('config', [{ delayMs: 300 }])
    await expect(client.call('getLocationCity')).resolves.toBe('310100')
    const [, second, plugin] = stub.handle.calls
    expect(second).toMatchObject({ method: 'config', outcome: 'success' })
    expect(plugin).toMatchObject({ method: 'getLocationCity', outcome: 'success' })
    expect(plugin!.at).toBeGreaterThanOrEqual(second!.answeredAt!)
  })

  it('a failed then successful config: the retry is settled by its own answer', async () => {
    const { client, configs } = machine((_b, n) =>
      n === 0 ? { ok: false, errcode: 'c01', errmsg: 'upsdk.config 验签失败' } : { ok: true },
    )
    await expect(client.ready()).rejects.toMatchObject({ code: 'c01' })
    await expect(client.ready()).resolves.toBeDefined()
    expect(configs().map((c) => c.outcome)).toEqual(['fail', 'success'])
    expect(client.state.status).toBe('ready')
  })

  it('the ready queue re-firing for a config the kit did not send changes nothing', async () => {
    const { client, stub } = machine(() => ({ ok: true }))
    const upsdk = await client.ready()
    const seen: string[] = []
    client.subscribe((s) => seen.push(s.status))
    upsdk.config({ appId: 'app', timestamp: '1700000000', nonceStr: 'n', signature: 'other' })
    await vi.waitFor(() => expect(stub.handle.calls.at(-1)?.outcome).toBe('success'))
    expect(seen).toEqual([])
    expect(client.state.status).toBe('ready')
  })

  it('a config before deviceready times out with a clear error instead of hanging', async () => {
    const { client } = machine(() => ({ ok: true }), { bridgeDelayMs: Infinity, timeoutMs: 50 })
    await expect(client.ready()).rejects.toMatchObject({
      code: 'bridge_not_ready',
      message: expect.stringContaining('deviceready'),
    })
  })

  it('inside 云闪付 without a bridge: explained in Chinese, nothing loaded', async () => {
    const load = vi.fn()
    const client = createUpsdkClient({
      load,
      userAgent: 'Mozilla/5.0 (iPhone) (com.unionpay.chsp) (cordova 4.5.4)',
      getUrl: () => BASE,
    })
    await expect(client.ready()).rejects.toMatchObject({
      code: 'no_bridge',
      message: expect.stringContaining('无法连接 upsdk 桥'),
    })
    expect(client.state).toMatchObject({ status: 'error', error: { code: 'no_bridge' } })
    expect(load).not.toHaveBeenCalled()
    const noConfig = createUpsdkClient({ upsdk: {} as UpsdkGlobal, userAgent: IN_APP_UA, getUrl: () => BASE })
    await expect(noConfig.ready()).rejects.toMatchObject({ code: 'no_bridge' })
  })
})
