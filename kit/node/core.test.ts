import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notifySignature } from '../../server/sandbox/crypto/chinaums.ts'
import { createUpkitServer, type UpkitLogin, type VerifiedParams } from './core.ts'
import { upkitFastify } from './fastify.ts'
import { startSandbox, type RunningSandbox } from './sandbox.ts'

const UA = 'Mozilla/5.0 (Linux; Android 14) (com.unionpay.chsp) (cordova 4.5.4)'
const BASE = 'http://127.0.0.1:9999'

let sandbox: RunningSandbox
let app: FastifyInstance
const logins: UpkitLogin[] = []
const relieved: VerifiedParams[] = []
const paid: string[] = []
let failNextRelieve = false

beforeAll(async () => {
  sandbox = await startSandbox()
  app = Fastify()
  await app.register(upkitFastify, {
    publicBaseUrl: BASE,
    unionpay: { ...sandbox.keys.unionpay, baseUrl: sandbox.urls.unionpay },
    chinaums: { md5Key: sandbox.keys.chinaums.md5Key },
    warn: () => undefined,
    onLogin: (login) => void logins.push(login),
    onContractRelieved: (params) => {
      if (failNextRelieve) {
        failNextRelieve = false
        throw new Error('database down')
      }
      relieved.push(params)
    },
    onChinaumsNotify: (fields) => void paid.push(`${fields.orderIds[0]}:${fields.status}`),
  })
  await app.ready()
})

afterAll(async () => {
  await app.close()
  await sandbox.close()
})

describe('upkitFastify: upsdk config', () => {
  it('signs a page of the 安全域名 with a frontToken the sandbox accepts', async () => {
    const url = `${BASE}/shop?x=1`
    const res = await app.inject({ method: 'POST', url: '/api/upsdk/config', payload: { url: `${url}#top` } })
    expect(res.statusCode).toBe(200)
    const signed = res.json<Record<string, string>>()
    expect(signed.appId).toBe(sandbox.keys.unionpay.appId)
    const check = await fetch(`${sandbox.url}/unionpay/__upsdk/verify-config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...signed, url }),
    })
    expect(await check.json()).toMatchObject({ ok: true })
  })

  it('refuses a form body, a foreign origin and a malformed a20 report', async () => {
    const form = await app.inject({
      method: 'POST',
      url: '/api/upsdk/config',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `url=${encodeURIComponent(BASE)}`,
    })
    expect(form.statusCode).toBe(415)
    const foreign = await app.inject({ method: 'POST', url: '/api/upsdk/config', payload: { url: 'https://x.test/' } })
    expect(foreign.statusCode).toBe(400)
    expect(foreign.json()).toMatchObject({ error: { code: 'URL_ORIGIN_NOT_ALLOWED' } })
    const report = await app.inject({
      method: 'POST',
      url: '/api/upsdk/config',
      payload: { url: `${BASE}/`, rejected: { timestamp: '1' } },
    })
    expect(report.json()).toMatchObject({ error: { code: 'REJECTED_CONFIG_INVALID' } })
  })
})

describe('upkitFastify: 联登', () => {
  async function authorize(cookie?: string) {
    const res = await app.inject({
      method: 'GET',
      url: '/api/oauth/authorize?scope=upapi_base&redirect=/orders',
      headers: { 'user-agent': UA, ...(cookie ? { cookie } : {}) },
    })
    expect(res.statusCode).toBe(302)
    const setCookie = String(res.headers['set-cookie'])
    expect(setCookie).toMatch(/^upkit_oauth=[A-Za-z0-9_-]{43}; Path=\/api\/oauth; HttpOnly; SameSite=Lax/)
    return { location: String(res.headers.location), cookie: setCookie.split(';')[0] ?? '' }
  }

  /** The sandbox's in-app page answers upapi_base at once with a code. */
  async function platformAnswer(location: string): Promise<string> {
    expect(location.startsWith(`${sandbox.urls.unionpay}/s/open/html/oauth.html?`)).toBe(true)
    const res = await fetch(location, { redirect: 'manual' })
    expect(res.status).toBe(303)
    const back = new URL(res.headers.get('location') ?? '')
    expect(`${back.origin}${back.pathname}`).toBe(`${BASE}/api/oauth/callback`)
    return `${back.pathname}${back.search}`
  }

  it('exchanges the code, hands the login to onLogin once and returns to the saved path', async () => {
    const { location, cookie } = await authorize()
    const callback = await platformAnswer(location)
    const before = logins.length
    const res = await app.inject({ method: 'GET', url: callback, headers: { cookie } })
    expect(res.statusCode).toBe(302)
    expect(res.headers.location).toBe('/orders')
    expect(logins.length).toBe(before + 1)
    expect(logins.at(-1)).toMatchObject({ scope: 'upapi_base', redirect: '/orders' })
    expect(logins.at(-1)?.openId).toMatch(/\S/)
    const replay = await app.inject({ method: 'GET', url: callback, headers: { cookie } })
    expect(replay.statusCode).toBe(400)
    expect(replay.body).toContain('STATE_UNKNOWN')
    expect(logins.length).toBe(before + 1)
  })

  it('refuses a callback in another browser (state bound to the cookie)', async () => {
    const { location } = await authorize()
    const callback = await platformAnswer(location)
    const other = await authorize()
    const res = await app.inject({ method: 'GET', url: callback, headers: { cookie: other.cookie } })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('STATE_MISMATCH')
  })

  it('refuses an open redirect', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/oauth/authorize?redirect=//evil.test/',
      headers: { 'user-agent': UA },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: { code: 'REDIRECT_NOT_ALLOWED' } })
  })
})

describe('upkitFastify: notifications', () => {
  const relieveFields = (contractId: string) => ({
    appId: sandbox.keys.unionpay.appId,
    timestamp: String(Math.floor(Date.now() / 1000)),
    nonceStr: 'abcdefgh12345678',
    operateTime: '2026-11-30 12:00:00',
    openId: 'o+/=1',
    trid: '62009000052',
    contractId,
  })

  it('verifies a 解约结果通知, applies it once, and lets a failed handler be retried', async () => {
    const signed = sandbox.controls.signUnionpayNotification(relieveFields('K1'))
    failNextRelieve = true
    const failed = await app.inject({ method: 'POST', url: '/notify/unionpay/contract', payload: signed })
    expect(failed.json()).toEqual({ resp: '01' })
    expect(relieved).toHaveLength(0)
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({ method: 'POST', url: '/notify/unionpay/contract', payload: signed })
      expect(res.json()).toEqual({ resp: '00' })
    }
    expect(relieved.map((p) => [p.contractId, p.openId])).toEqual([['K1', 'o+/=1']])
  })

  it('refuses a tampered, an old and an incomplete notification', async () => {
    const signed = sandbox.controls.signUnionpayNotification(relieveFields('K2'))
    const tampered = await app.inject({
      method: 'POST',
      url: '/notify/unionpay/contract',
      payload: { ...signed, contractId: 'K3' },
    })
    expect(tampered.json()).toEqual({ resp: '01' })
    const old = sandbox.controls.signUnionpayNotification({ ...relieveFields('K2'), timestamp: '1000000000' })
    expect((await app.inject({ method: 'POST', url: '/notify/unionpay/contract', payload: old })).json()).toEqual({
      resp: '01',
    })
    const { trid: _trid, ...rest } = relieveFields('K2')
    const incomplete = sandbox.controls.signUnionpayNotification(rest)
    expect(
      (await app.inject({ method: 'POST', url: '/notify/unionpay/contract', payload: incomplete })).json(),
    ).toEqual({
      resp: '01',
    })
    expect(relieved.map((p) => p.contractId)).not.toContain('K2')
  })

  it('verifies a 银商 notify (form) with the sandbox signature and handles each notifyId once', async () => {
    const fields: Record<string, string> = {
      mid: sandbox.keys.chinaums.mid,
      tid: sandbox.keys.chinaums.tid,
      merOrderId: '1017A1B2C3D4',
      status: 'TRADE_SUCCESS',
      totalAmount: '100',
      notifyId: 'n-1',
    }
    const sign = notifySignature(fields, sandbox.keys.chinaums.md5Key, 'MD5')
    const form = new URLSearchParams({ ...fields, sign }).toString()
    const post = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/notify/chinaums',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload,
      })
    expect((await post(form)).body).toBe('SUCCESS')
    expect((await post(form)).body).toBe('SUCCESS')
    expect(paid).toEqual(['1017A1B2C3D4:TRADE_SUCCESS'])
    const forged = new URLSearchParams({ ...fields, totalAmount: '1', sign }).toString()
    expect((await post(forged)).body).toBe('FAILED')
    expect(paid).toHaveLength(1)
  })
})

describe('createUpkitServer options', () => {
  it('names every problem and echoes no secret', () => {
    expect(() =>
      createUpkitServer({
        publicBaseUrl: 'http://shop.example.com',
        unionpay: { appId: '', secret: 'top-secret-value', publicKey: 'not a key', callsPerMinute: 5000 },
      }),
    ).toThrow(
      /publicBaseUrl 须为 https[\s\S]*unionpay\.appId 必填[\s\S]*callsPerMinute[\s\S]*unionpay\.publicKey 无法解析/,
    )
    try {
      createUpkitServer({ publicBaseUrl: 'x', unionpay: { appId: '', secret: 'top-secret-value' } })
    } catch (e) {
      expect(String(e)).not.toContain('top-secret-value')
    }
  })
})
