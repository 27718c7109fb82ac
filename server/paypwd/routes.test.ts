import { createSign } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sandboxRsaKeyPair } from '../sandbox/credentials.ts'
import { SESSION_COOKIE } from '../session/plugin.ts'
import { startOpenApiFixture, USER1, USER2, type OpenApiFixture } from '../unionpay/open-api.fixture.ts'
import { PAY_PWD_NOTIFY_PATH } from './routes.ts'

let f: OpenApiFixture
beforeAll(async () => {
  f = await startOpenApiFixture()
})
afterAll(() => f.server.close())

/** A session cookie for a user logged in through 联登 (a live accessToken). */
async function loginCookie(openId = USER1.openId, accessExpiresAt = Date.now() + 3600_000): Promise<string> {
  const { id } = await f.server.ctx.sessions.create({
    openId,
    scope: 'upapi_base',
    accessToken: f.accessToken(openId),
    accessExpiresAt,
  })
  return `${SESSION_COOKIE}=${id}`
}

const inject = (method: 'GET' | 'POST', url: string, cookie?: string, payload?: unknown) =>
  f.server.app.inject({
    method,
    url,
    headers: cookie ? { cookie } : {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })

/** What the 云闪付 app does when the user types the password: the sandbox notifies the server. */
const typePassword = (transNo: string, bizType: string, outcome = 'success') =>
  inject('POST', '/sandbox/unionpay/__upsdk/verify-pay-pwd', undefined, { transNo, bizType, outcome })

async function start(cookie: string) {
  const res = await inject('POST', '/api/pay-password/verifications', cookie, { purpose: 'withdraw' })
  expect(res.statusCode).toBe(200)
  return res.json<{ bizOrderId: string; transNo: string; bizType: string }>()
}

const status = async (cookie: string, bizOrderId: string) =>
  (await inject('GET', `/api/pay-password/verifications/${bizOrderId}`, cookie)).json<{ status: string }>().status

function platformSign(fields: Record<string, string>): string {
  const s = Object.keys(fields)
    .filter((k) => fields[k]?.trim() && k !== 'signature')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&')
  return createSign('RSA-SHA256').update(s).sign(sandboxRsaKeyPair().privateKeyPem, 'base64')
}

describe('支付密码验证 end to end', () => {
  it('transNo → password typed → notification recorded once → the action runs once', async () => {
    const cookie = await loginCookie()
    const { bizOrderId, transNo, bizType } = await start(cookie)
    expect(bizType).toBe('4a')
    expect(await status(cookie, bizOrderId)).toBe('pending')
    // the action is refused before the notification
    expect((await inject('POST', `/api/pay-password/verifications/${bizOrderId}/use`, cookie)).json()).toMatchObject({
      error: { code: 'PAY_PWD_NOT_VERIFIED' },
    })

    const typed = await typePassword(transNo, bizType)
    expect(typed.json()).toMatchObject({ ok: true, notified: 200 })
    expect(f.sandbox.payPwdNotifications.at(-1)).toMatchObject({ transNo, httpStatus: 200, answer: '{"resp":"00"}' })
    expect(await status(cookie, bizOrderId)).toBe('verified')

    const used = await inject('POST', `/api/pay-password/verifications/${bizOrderId}/use`, cookie)
    expect(used.json()).toMatchObject({ status: 'used', purposeName: '提现到银行卡' })
    const again = await inject('POST', `/api/pay-password/verifications/${bizOrderId}/use`, cookie)
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ error: { code: 'PAY_PWD_ALREADY_USED' } })
  })

  it('a replayed notification answers 00 and changes nothing; a used verification stays used', async () => {
    const cookie = await loginCookie()
    const { bizOrderId, transNo, bizType } = await start(cookie)
    await typePassword(transNo, bizType)
    await inject('POST', `/api/pay-password/verifications/${bizOrderId}/use`, cookie)
    const replay = await inject('POST', '/sandbox/unionpay/__control/open/pay-pwd/replay', undefined, { transNo })
    expect(replay.json()).toMatchObject({ httpStatus: 200, answer: '{"resp":"00"}' })
    expect(await status(cookie, bizOrderId)).toBe('used')
  })

  it('accepts the example\'s " transNo" key', async () => {
    await inject('POST', '/sandbox/unionpay/__control/open/pay-pwd/key-style', undefined, { style: 'spaced' })
    try {
      const cookie = await loginCookie()
      const { bizOrderId, transNo, bizType } = await start(cookie)
      await typePassword(transNo, bizType)
      expect(f.sandbox.payPwdNotifications.at(-1)?.body).toHaveProperty([' transNo'], transNo)
      expect(await status(cookie, bizOrderId)).toBe('verified')
    } finally {
      await inject('POST', '/sandbox/unionpay/__control/open/pay-pwd/key-style', undefined, { style: 'plain' })
    }
  })

  it('tampered, unsigned, foreign-key and malformed notifications answer 01 and verify nothing', async () => {
    const cookie = await loginCookie()
    const { bizOrderId, transNo, bizType } = await start(cookie)
    const fields: Record<string, string> = {
      appId: f.server.config.unionpay.appId,
      timestamp: String(Math.floor(Date.now() / 1000)),
      nonceStr: 'JoErQGVrVy7MT70t',
      openId: USER1.openId,
      bizOrderId,
      merchantId: f.server.config.unionpay.payPwdMerchantId ?? '',
      bizType,
      transNo,
    }
    const signature = platformSign(fields)
    const post = (payload: unknown, type = 'application/json') =>
      f.server.app.inject({
        method: 'POST',
        url: PAY_PWD_NOTIFY_PATH,
        headers: { 'content-type': type },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      })
    expect((await post({ ...fields, bizOrderId: `${bizOrderId}0`, signature })).body).toBe('{"resp":"01"}')
    expect((await post({ ...fields, openId: USER2.openId, signature })).body).toBe('{"resp":"01"}')
    expect((await post(fields)).body).toBe('{"resp":"01"}')
    const other = createSign('RSA-SHA256')
      .update('x')
      .sign(f.server.config.unionpay.privateKey ?? '', 'base64')
    expect((await post({ ...fields, signature: other })).body).toBe('{"resp":"01"}')
    expect((await post('{not json')).body).toBe('{"resp":"01"}')
    expect(await status(cookie, bizOrderId)).toBe('pending')
    // the genuine one, as a form body (a raw + in the base64 values survives), verifies
    const form = Object.entries({ ...fields, signature })
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&')
    expect((await post(form, 'application/x-www-form-urlencoded')).body).toBe('{"resp":"00"}')
    expect(await status(cookie, bizOrderId)).toBe('verified')
  })

  it("a validly signed notification for someone else's verification changes nothing", async () => {
    const a = await loginCookie(USER1.openId)
    const { bizOrderId, transNo, bizType } = await start(a)
    const fields: Record<string, string> = {
      appId: f.server.config.unionpay.appId,
      timestamp: String(Math.floor(Date.now() / 1000)),
      nonceStr: 'n',
      openId: USER2.openId,
      bizOrderId,
      merchantId: f.server.config.unionpay.payPwdMerchantId ?? '',
      bizType,
      transNo,
    }
    const res = await f.server.app.inject({
      method: 'POST',
      url: PAY_PWD_NOTIFY_PATH,
      payload: { ...fields, signature: platformSign(fields) },
    })
    expect(res.body).toBe('{"resp":"00"}')
    expect(await status(a, bizOrderId)).toBe('pending')
  })

  it('a wrong password or a cancel sends no notification; another user cannot read or spend it', async () => {
    const cookie = await loginCookie()
    const { bizOrderId, transNo, bizType } = await start(cookie)
    const sent = f.sandbox.payPwdNotifications.length
    expect((await typePassword(transNo, bizType, 'wrong')).json()).toMatchObject({ ok: false, msg: '支付密码错误' })
    expect((await typePassword(transNo, bizType, 'cancel')).json()).toMatchObject({ ok: false })
    expect(f.sandbox.payPwdNotifications.length).toBe(sent)
    const other = await loginCookie(USER2.openId)
    expect((await inject('GET', `/api/pay-password/verifications/${bizOrderId}`, other)).statusCode).toBe(404)
    expect((await inject('POST', `/api/pay-password/verifications/${bizOrderId}/use`, other)).statusCode).toBe(404)
  })

  it('needs a session, a known purpose, and a live accessToken', async () => {
    expect(
      (await inject('POST', '/api/pay-password/verifications', undefined, { purpose: 'withdraw' })).statusCode,
    ).toBe(401)
    const bad = await inject('POST', '/api/pay-password/verifications', await loginCookie(), { purpose: 'transfer' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } })
    const expired = await inject(
      'POST',
      '/api/pay-password/verifications',
      await loginCookie(USER1.openId, Date.now() - 1000),
      { purpose: 'withdraw' },
    )
    expect(expired.statusCode).toBe(401)
    expect(expired.json()).toMatchObject({ error: { code: 'ACCESS_TOKEN_EXPIRED' } })
  })

  it('a platform refusal leaves a failed record, never a pending one', async () => {
    await inject('POST', '/sandbox/unionpay/__control/open/fail-next', undefined, {
      api: 'verifyPwdSeqId',
      resp: 'N62138',
      msg: '验证支付密码异常',
    })
    const res = await inject('POST', '/api/pay-password/verifications', await loginCookie(), { purpose: 'withdraw' })
    expect(res.statusCode).toBe(502)
    expect(res.json()).toMatchObject({ error: { code: 'UNIONPAY_N62138' } })
    const row = await f.server.ctx.db
      .selectFrom('pay_pwd_verifications')
      .select(['status', 'failure'])
      .orderBy('created_at', 'desc')
      .orderBy('rowid', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('failed')
    expect(row.failure ?? '').toContain('N62138')
  })
})
