import { createHash, createSign } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_UNIONPAY, sandboxPartnerKeyPair } from '../../credentials.ts'
import { startOpenApiFixture, USER1, type OpenApiFixture } from '../../../unionpay/open-api.fixture.ts'
import { decryptFromPartner } from '../../crypto/partner.ts'
import { encryptForPartner } from '../../crypto/tdes.ts'

/** The sandbox judged over raw HTTP, with requests built here by hand (not by the kit's client). */
let f: OpenApiFixture
beforeAll(async () => {
  f = await startOpenApiFixture()
})
afterAll(() => f.server.close())

const KEY = SANDBOX_UNIONPAY.symmetricKey
const enc = (s: string) => encryptForPartner(s, KEY)
const now = () => String(Math.floor(Date.now() / 1000))
const join = (p: Record<string, string>, skipEmpty = false) =>
  Object.keys(p)
    .filter((k) => k !== 'signature' && !(skipEmpty && p[k] === ''))
    .sort()
    .map((k) => `${k}=${p[k]}`)
    .join('&')
const rsa = (s: string) => createSign('RSA-SHA256').update(s).sign(sandboxPartnerKeyPair().privateKeyPem, 'base64')

type Answer = { resp: string; msg: string; params: Record<string, unknown>; result?: unknown }

async function post(api: string, body: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(`${f.server.baseUrl}/sandbox/unionpay/open/access/1.0/${api}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return (await res.json()) as Answer
}

describe('sandbox crypto', () => {
  it('matches the literal 3DES vector the production tests use', () => {
    expect(enc('13812345678')).toBe('cTnzjWO6meDjK/hQ99T00A==')
    expect(decryptFromPartner('cTnzjWO6meDjK/hQ99T00A==', KEY)).toBe('13812345678')
    expect(decryptFromPartner('13812345678', KEY)).toBeNull()
    expect(decryptFromPartner('YWJj', KEY)).toBeNull()
  })
})

describe('verifyPwdSeqId (5.3.1) in the sandbox', () => {
  const fields = (over: Record<string, string> = {}) => ({
    appId: SANDBOX_UNIONPAY.appId,
    openId: USER1.openId,
    bizOrderId: `S${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    bizType: '4h',
    merchantId: SANDBOX_UNIONPAY.payPwdMerchantId,
    nonceStr: 'JoErQGVrVy7MT70t',
    notifyUrl: `${f.server.baseUrl}/notify/unionpay/pay-password`,
    timestamp: now(),
    accessToken: f.accessToken(),
    ...over,
  })
  const sha = (p: Record<string, string>) => createHash('sha256').update(join(p)).digest('hex')

  it("accepts the table's sha256 and the example's RSA signature", async () => {
    const a = fields()
    expect((await post('verifyPwdSeqId', { ...a, signature: sha(a) })).resp).toBe('00')
    const b = fields()
    expect((await post('verifyPwdSeqId', { ...b, signature: rsa(join(b)) })).resp).toBe('00')
  })

  it("accepts the backendToken in accessToken (the table's description)", async () => {
    const a = fields({ accessToken: await f.server.ctx.tokens.get('backend') })
    expect((await post('verifyPwdSeqId', { ...a, signature: sha(a) })).resp).toBe('00')
  })

  it('refuses a tampered field, a stale timestamp, a missing field, a non-string field', async () => {
    const a = fields()
    expect((await post('verifyPwdSeqId', { ...a, bizOrderId: `${a.bizOrderId}9`, signature: sha(a) })).resp).toBe(
      'N62104',
    )
    const stale = fields({ timestamp: String(Number(now()) - 600) })
    expect((await post('verifyPwdSeqId', { ...stale, signature: sha(stale) })).resp).toBe('N62108')
    const { merchantId: _m, ...noMerchant } = fields()
    expect((await post('verifyPwdSeqId', { ...noMerchant, signature: 'x' })).resp).toBe('N62124')
    expect((await post('verifyPwdSeqId', { ...fields(), timestamp: Number(now()), signature: 'x' })).resp).toBe(
      'N62104',
    )
  })

  it('the device endpoint: unknown transNo 404, another bizType 400, a second verification 409', async () => {
    const a = fields()
    const { params } = await post('verifyPwdSeqId', { ...a, signature: sha(a) })
    const device = (body: Record<string, unknown>) =>
      f.server.app.inject({ method: 'POST', url: '/sandbox/unionpay/__upsdk/verify-pay-pwd', payload: body })
    expect((await device({ transNo: 'nope', bizType: '4h' })).statusCode).toBe(404)
    expect((await device({ transNo: params.transNo, bizType: '4a' })).statusCode).toBe(400)
    expect((await device({ transNo: params.transNo, bizType: '4h' })).statusCode).toBe(200)
    expect((await device({ transNo: params.transNo, bizType: '4h' })).statusCode).toBe(409)
  })
})

describe('5.8 signing and encryption rules in the sandbox', () => {
  const give = (over: Record<string, string> = {}) => ({
    appId: SANDBOX_UNIONPAY.appId,
    insAcctId: SANDBOX_UNIONPAY.insAcctId,
    transNumber: `G${Date.now()}${Math.floor(Math.random() * 1e6)}`,
    openId: USER1.openId,
    pointAt: '1',
    nonceStr: 'ZSVPXQw8I1HYsnpL',
    timestamp: now(),
    ...over,
  })

  it('verifies over the plain values and decrypts pointAt', async () => {
    const p = give()
    expect((await post('red.packet.give', { ...p, pointAt: enc('1'), signature: rsa(join(p)) })).resp).toBe('00')
  })

  it("accepts the example's empty pan/remark, signed with or without them", async () => {
    const p = give({ pan: '', remark: '' })
    expect((await post('red.packet.give', { ...p, pointAt: enc('1'), signature: rsa(join(p)) })).resp).toBe('00')
    const q = give({ pan: '', remark: '' })
    expect((await post('red.packet.give', { ...q, pointAt: enc('1'), signature: rsa(join(q, true)) })).resp).toBe('00')
  })

  it('refuses a signature over the ciphertext, an unencrypted pointAt, and a changed amount', async () => {
    const p = give()
    const sent = { ...p, pointAt: enc('1') }
    expect((await post('red.packet.give', { ...sent, signature: rsa(join(sent)) })).resp).toBe('N62104')
    expect((await post('red.packet.give', { ...p, signature: rsa(join(p)) })).resp).toBe('RP0005')
    expect((await post('red.packet.give', { ...p, pointAt: enc('2'), signature: rsa(join(p)) })).resp).toBe('N62104')
  })

  it('insAcctId must be 18 characters', async () => {
    const p = give({ insAcctId: 'T00T0000000088800' })
    expect((await post('red.packet.give', { ...p, pointAt: enc('1'), signature: rsa(join(p)) })).resp).toBe('RP0001')
  })
})

describe('5.5–5.7 in the sandbox', () => {
  it('new.msg.push answers {"result":…} and refuses 141 units or a url outside the 安全域名', async () => {
    const backendToken = await f.server.ctx.tokens.get('backend')
    const base = { appId: SANDBOX_UNIONPAY.appId, backendToken, openId: USER1.openId, url: `${f.server.baseUrl}/` }
    const okAnswer = await post('new.msg.push', { ...base, content: 'a'.repeat(140) })
    expect(okAnswer.result).toMatchObject({ resp: '00', params: { resultCd: '00' } })
    expect((await post('new.msg.push', { ...base, content: `${'红'.repeat(70)}a` })).resp).toBe('N62116')
    expect((await post('new.msg.push', { ...base, content: 'x', url: 'https://evil.example/' })).resp).toBe('N62132')
  })

  it('putIndustryCard refuses a name sent in the clear', async () => {
    const backendToken = await f.server.ctx.tokens.get('backend')
    const body = {
      appId: SANDBOX_UNIONPAY.appId,
      backendToken,
      cardModuleId: '213454765435423',
      bussCardNo: '1',
      cardSubTp: '1',
      transTp: '01',
      openId: USER1.openId,
      name: '张三',
    }
    expect((await post('putIndustryCard', body)).resp).toBe('IC0005')
    expect((await post('putIndustryCard', { ...body, name: enc('张三'), transTp: '04' })).resp).toBe('IC0001')
  })
})
