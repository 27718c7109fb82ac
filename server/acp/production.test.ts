import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../config.ts'
import { sandboxAcpPki } from '../sandbox/acp/pki.ts'
import { SANDBOX_CHINAUMS, SANDBOX_UNIONPAY, sandboxRsaKeyPair } from '../sandbox/credentials.ts'
import { freePort, startTestServer, type TestServer } from '../test/harness.ts'
import { seedSignedContract } from './contracts.fixture.ts'
import { lastClosedSettleDate } from './reconcile/service.ts'

// SANDBOX=0: the production wiring (config, client, verification) pointed at a separate server
// that only plays the platforms (its sandbox), reached by URL like the real gateway.
let platforms: TestServer
let prod: TestServer

const prodEnv = (platformBase: string, port: number): Record<string, string> => {
  const pki = sandboxAcpPki()
  return {
    SANDBOX: '0',
    PORT: String(port),
    UNIONPAY_OPEN_BASE_URL: `${platformBase}/sandbox/unionpay`,
    UNIONPAY_APP_ID: SANDBOX_UNIONPAY.appId,
    UNIONPAY_SECRET: SANDBOX_UNIONPAY.secret,
    UNIONPAY_SYMMETRIC_KEY: SANDBOX_UNIONPAY.symmetricKey,
    UNIONPAY_PUBLIC_KEY: sandboxRsaKeyPair().publicKeyDer,
    CHINAUMS_BASE_URL: `${platformBase}/sandbox/chinaums`,
    CHINAUMS_APP_ID: SANDBOX_CHINAUMS.appId,
    CHINAUMS_APP_KEY: SANDBOX_CHINAUMS.appKey,
    CHINAUMS_MD5_KEY: SANDBOX_CHINAUMS.md5Key,
    CHINAUMS_MID: SANDBOX_CHINAUMS.mid,
    CHINAUMS_TID: SANDBOX_CHINAUMS.tid,
    CHINAUMS_SOURCE_ID: SANDBOX_CHINAUMS.sourceId,
    UNIONPAY_ACP_BASE_URL: `${platformBase}/sandbox/acp`,
    UNIONPAY_ACP_FILE_BASE_URL: `${platformBase}/sandbox/acp/filedownload`,
    UNIONPAY_ACP_MER_ID: '777290058110048',
    UNIONPAY_ACP_SIGN_CERT: pki.merchantPfxBase64,
    UNIONPAY_ACP_SIGN_CERT_PASSWORD: pki.merchantPfxPassword,
    UNIONPAY_ACP_ROOT_CERT: pki.rootPem,
    UNIONPAY_ACP_MIDDLE_CERT: pki.middlePem,
    UNIONPAY_ACP_ENCRYPT_CERT: pki.initialEncrypt.certPem,
    UNIONPAY_ACP_PLAN_LIMITS: 'PLAN0001:5000:20000',
    ADMIN_TOKEN: 'admin-token-0123456789',
    RATE_LIMIT_PER_MINUTE: '100000',
  }
}

beforeAll(async () => {
  platforms = await startTestServer({ RATE_LIMIT_PER_MINUTE: '100000' })
  const port = await freePort()
  prod = await startTestServer(prodEnv(platforms.baseUrl, port))
}, 60_000)
afterAll(async () => {
  await prod?.close()
  await platforms?.close()
})

describe('SANDBOX=0 against the sandbox gateway by URL', () => {
  it('without UNIONPAY_ACP_TR_ID, 银联无跳转支付 is off: 503 NOJUMP_NOT_CONFIGURED, no gateway in form-action', async () => {
    expect(prod.nojump).toBeNull()
    const caps = (await (await fetch(`${prod.baseUrl}/api/capabilities`)).json()) as Record<string, unknown>
    expect(caps).toMatchObject({ acp: true, nojump: false, preauth: false })
    const r = await fetch(`${prod.baseUrl}/api/nojump/cards`)
    expect(r.status).toBe(503)
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('NOJUMP_NOT_CONFIGURED')
    const csp = (await fetch(`${prod.baseUrl}/`)).headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/form-action 'self'(;|$)/)
  })

  it('reconciles a settle day through the file-transfer origin; the merchant routes need the admin token', async () => {
    const day = lastClosedSettleDate(Date.now() - 86_400_000)
    const body = JSON.stringify({ settleDate: day })
    const noToken = await fetch(`${prod.baseUrl}/api/acp/reconciliations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect(noToken.status).toBe(403)
    expect((await fetch(`${prod.baseUrl}/api/acp/reconciliations`)).status).toBe(403)
    const r = await fetch(`${prod.baseUrl}/api/acp/reconciliations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-admin-token': 'admin-token-0123456789' },
      body,
    })
    const j = (await r.json()) as { reconciliation: { settleDate: string; zmName: string; mismatches: number } }
    expect(r.status, JSON.stringify(j)).toBe(200)
    expect(j.reconciliation).toMatchObject({ settleDate: day, zmName: `INN${day.slice(2)}88ZM_777290058110048` })
  })

  it('charges a contract end to end: signed request, verified answer, verified notification, void', async () => {
    expect(prod.config.sandbox).toBe(false)
    expect(prod.sandbox).toBeUndefined()
    // The contract exists in our records and on the platform side.
    const c = await seedSignedContract(prod.ctx.db, platforms.sandbox!)
    const headers = { 'content-type': 'application/json', 'x-admin-token': 'admin-token-0123456789' }
    const noToken = await fetch(`${prod.baseUrl}/api/contract/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contractId: c.contractId, amount: 100, idempotencyKey: 'prod-key-0001' }),
    })
    expect(noToken.status).toBe(403)
    const r = await fetch(`${prod.baseUrl}/api/contract/charges`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ contractId: c.contractId, amount: 2500, idempotencyKey: 'prod-key-0001' }),
    })
    const o = (await r.json()) as { orderId: string; status: string }
    expect(r.status, JSON.stringify(o)).toBe(200)
    let cur = o
    for (let i = 0; i < 300 && cur.status !== 'SUCCESS'; i++) {
      await new Promise((res) => setTimeout(res, 10))
      cur = (await (await fetch(`${prod.baseUrl}/api/acp/orders/${o.orderId}`, { headers })).json()) as typeof o
    }
    expect(cur.status).toBe('SUCCESS')
    const v = await fetch(`${prod.baseUrl}/api/acp/orders/${o.orderId}/void`, { method: 'POST', headers, body: '{}' })
    expect(v.status).toBe(200)
    const txns = [...platforms.sandbox!.acp.txns.values()].filter((t) => t.orderId === o.orderId)
    expect(txns).toMatchObject([{ status: 'success', voided: true, txnAmt: 2500, contractId: c.contractId }])
  })
})

describe('a deployment without 全渠道', () => {
  it('starts; the 全渠道 features answer 503 and capabilities say so', async () => {
    const env = prodEnv('http://127.0.0.1:9', await freePort())
    for (const k of Object.keys(env)) if (k.startsWith('UNIONPAY_ACP_')) delete env[k]
    const bare = await startTestServer(env)
    try {
      expect(bare.acp).toBeNull()
      const caps = (await (await fetch(`${bare.baseUrl}/api/capabilities`)).json()) as Record<string, unknown>
      expect(caps).toMatchObject({
        inAppPay: false,
        contractCharging: false,
        acp: false,
        nojump: false,
        preauth: false,
      })
      const r = await fetch(`${bare.baseUrl}/api/contract/charges`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-admin-token': 'admin-token-0123456789' },
        body: '{}',
      })
      expect(r.status).toBe(503)
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('ACP_NOT_CONFIGURED')
      expect(
        (
          await fetch(`${bare.baseUrl}/api/pay/tn`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ amount: 100 }),
          })
        ).status,
      ).toBe(503)
    } finally {
      await bare.close()
    }
  })

  it('a partial 全渠道 configuration stops the start with one line per problem', () => {
    const env = prodEnv('http://127.0.0.1:9', 1)
    delete env.UNIONPAY_ACP_ROOT_CERT
    env.UNIONPAY_ACP_SIGN_CERT_PASSWORD = 'wrong'
    env.UNIONPAY_ACP_PLAN_LIMITS = 'PLAN0001:5000'
    let problems: string[] = []
    try {
      loadConfig(env)
    } catch (e) {
      if (e instanceof ConfigError) problems = e.problems
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        'UNIONPAY_ACP_ROOT_CERT: required once any UNIONPAY_ACP_* setting is given',
        expect.stringMatching(/^UNIONPAY_ACP_SIGN_CERT: not a readable PKCS#12/),
        expect.stringMatching(/^UNIONPAY_ACP_PLAN_LIMITS: /),
      ]),
    )
  })
})
