import express from 'express'
import Fastify, { type FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixture } from '../../server/acp/fixtures.ts'
import { sandboxSign } from '../../server/sandbox/acp/crypto.ts'
import { notifySignature } from '../../server/sandbox/crypto/chinaums.ts'
import { createUpkitServer, type UpkitLogin, type VerifiedParams } from './core.ts'
import { upkitExpress } from './express.ts'
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
const acpSettled: string[] = []
const warnings: string[] = []
let failNextAcp = false

beforeAll(async () => {
  sandbox = await startSandbox()
  app = Fastify()
  await app.register(upkitFastify, {
    publicBaseUrl: BASE,
    unionpay: { ...sandbox.keys.unionpay, baseUrl: sandbox.urls.unionpay },
    chinaums: { md5Key: sandbox.keys.chinaums.md5Key },
    warn: (message) => void warnings.push(message),
    onLogin: (login) => void logins.push(login),
    onContractRelieved: (params) => {
      if (failNextRelieve) {
        failNextRelieve = false
        throw new Error('database down')
      }
      relieved.push(params)
    },
    onChinaumsNotify: (fields) => void paid.push(`${fields.orderIds[0]}:${fields.status}`),
    acp: sandbox.keys.acp,
    onAcpNotify: (fields) => {
      if (failNextAcp) {
        failNextAcp = false
        throw new Error('database down')
      }
      acpSettled.push(`${fields.orderId}:${fields.respCode}:${fields.txnAmt}`)
    },
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

/** A 全渠道 consume notification as the gateway POSTs it to backUrl (url-encoded form). */
const acpFields = (orderId: string, extra: Record<string, string> = {}) => ({
  version: '5.1.0',
  encoding: 'UTF-8',
  accessType: '0',
  merId: sandbox.keys.acp.merId,
  orderId,
  txnTime: '20261201101500',
  txnType: '01',
  txnSubType: '01',
  bizType: '000201',
  txnAmt: '1200',
  queryId: `Q${orderId}`,
  respCode: '00',
  respMsg: 'success',
  ...extra,
})
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

describe('upkitFastify: 全渠道 notification', () => {
  const post = (fields: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/notify/unionpay/acp',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      payload: form(fields),
    })

  it('verifies the gateway signature and certificate chain, and hands each notification over once', async () => {
    const signed = sandbox.controls.signAcpNotification(acpFields('A0001'))
    failNextAcp = true
    const failed = await post(signed)
    expect([failed.statusCode, failed.body]).toEqual([500, 'fail'])
    expect(acpSettled).toEqual([])
    for (let i = 0; i < 2; i++) {
      const res = await post(signed)
      expect([res.statusCode, res.body]).toEqual([200, 'ok'])
    }
    expect(acpSettled).toEqual(['A0001:00:1200'])
  })

  it('refuses a tampered amount, another merchant, a missing order number and an unsigned form', async () => {
    const signed = sandbox.controls.signAcpNotification(acpFields('A0002'))
    const refused = [
      { ...signed, txnAmt: '1' },
      sandbox.controls.signAcpNotification(acpFields('A0002', { merId: '777290058110049' })),
      sandbox.controls.signAcpNotification({ ...acpFields('A0002'), orderId: '' }),
      acpFields('A0002'),
    ]
    for (const fields of refused) {
      const res = await post(fields)
      expect([res.statusCode, res.body]).toEqual([400, 'fail'])
    }
    expect(acpSettled.filter((s) => s.startsWith('A0002'))).toEqual([])
  })

  it('trusts no certificate only because the message carries it', async () => {
    // UnionPay's name in the CN, a valid signature by its key, but issued under another root
    const f = { ...acpFields('A0003'), signMethod: '01', signPubKeyCert: fixture('forged.cert.pem') }
    const forged = { ...f, signature: sandboxSign(f, fixture('forged.key.pem')) }
    const res = await post(forged)
    expect([res.statusCode, res.body]).toEqual([400, 'fail'])
    expect(acpSettled.filter((s) => s.startsWith('A0003'))).toEqual([])
    expect(warnings.at(-1)).toMatch(
      /refused a 全渠道 notification: signPubKeyCert: .*not issued by the configured middle/,
    )
  })
})

describe('upkitExpress: 全渠道 notification', () => {
  it('reads the form itself, verifies it and calls onAcpNotify with the request and response', async () => {
    const got: Array<{ orderId: string | undefined; path: string | undefined }> = []
    const web = express()
    web.use(
      upkitExpress({
        publicBaseUrl: BASE,
        unionpay: { ...sandbox.keys.unionpay, baseUrl: sandbox.urls.unionpay },
        warn: () => undefined,
        acp: sandbox.keys.acp,
        onAcpNotify: (fields, { req }) => void got.push({ orderId: fields.orderId, path: req.url }),
      }),
    )
    const server = web.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify/unionpay/acp`
    const send = (fields: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        body: form(fields),
      })
    try {
      const signed = sandbox.controls.signAcpNotification(acpFields('E0001'))
      const res = await send(signed)
      expect([res.status, await res.text()]).toEqual([200, 'ok'])
      const forged = await send({ ...signed, respCode: '00', orderId: 'E0002' })
      expect(forged.status).toBe(400)
      expect(got).toEqual([{ orderId: 'E0001', path: '/notify/unionpay/acp' }])
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
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
    expect(() =>
      createUpkitServer({
        publicBaseUrl: BASE,
        unionpay: { appId: 'a', secret: 's' },
        acp: { merId: '123', rootCert: 'not a certificate', middleCert: '' },
      }),
    ).toThrow(/acp\.merId 须为 15 位数字[\s\S]*acp\.rootCert 无法读取[\s\S]*acp\.middleCert 必填/)
    try {
      createUpkitServer({ publicBaseUrl: 'x', unionpay: { appId: '', secret: 'top-secret-value' } })
    } catch (e) {
      expect(String(e)).not.toContain('top-secret-value')
    }
  })
})
