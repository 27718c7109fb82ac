import { createSign, generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePublicKey } from '../crypto/rsa.ts'
import { sandboxRsaKeyPair } from '../sandbox/credentials.ts'
import { DomainError } from '../errors.ts'
import { UnionpayError } from './errors.ts'
import { startOpenApiFixture, USER1, USER2, type OpenApiFixture } from './open-api.fixture.ts'
import { checkPayPwdNotification, requestPayPwdSeqId, type PayPwdSeqInput } from './pay-password.ts'

let f: OpenApiFixture
beforeAll(async () => {
  f = await startOpenApiFixture()
})
afterAll(() => f.server.close())

const input = (over: Partial<PayPwdSeqInput> = {}): PayPwdSeqInput => ({
  openId: USER1.openId,
  accessToken: f.accessToken(),
  bizOrderId: `B${Date.now()}${Math.floor(Math.random() * 1e6)}`,
  bizType: '4a',
  merchantId: f.server.config.unionpay.payPwdMerchantId ?? '',
  notifyUrl: `${f.server.baseUrl}/notify/unionpay/pay-password`,
  ...over,
})

describe('5.3.1 verifyPwdSeqId', () => {
  it('exchanges a bizOrderId for a transNo, signed with sha256 over fields 1-10', async () => {
    const i = input({ clientIp: '192.168.8.104' })
    const { transNo } = await requestPayPwdSeqId(f.deps, i)
    expect(transNo).toMatch(/^[0-9A-F]{32}$/)
    const sent = f.calls('verifyPwdSeqId').at(-1)
    expect(sent?.resp).toBe('00')
    expect(Object.keys(sent?.body ?? {}).sort()).toEqual([
      'accessToken',
      'appId',
      'bizOrderId',
      'bizType',
      'clientIp',
      'merchantId',
      'nonceStr',
      'notifyUrl',
      'openId',
      'signature',
      'timestamp',
    ])
    expect(f.sandbox.payPwd.get(transNo)).toMatchObject({
      bizOrderId: i.bizOrderId,
      openId: USER1.openId,
      status: 'issued',
    })
    // a retry of the same bizOrderId gets the same transNo
    expect((await requestPayPwdSeqId(f.deps, { ...i, accessToken: f.accessToken() })).transNo).toBe(transNo)
  })

  it('accepts bizType 4h too (the seed example)', async () => {
    await expect(requestPayPwdSeqId(f.deps, input({ bizType: '4h' }))).resolves.toHaveProperty('transNo')
  })

  it.each([
    ['bizOrderId', { bizOrderId: 'has space' }],
    ['bizType', { bizType: '' }],
    ['notifyUrl', { notifyUrl: '/relative' }],
    ['clientIp', { clientIp: '999.1.1' }],
    ['openId', { openId: '' }],
  ])('refuses a bad %s before any call', async (field, over) => {
    const before = f.calls('verifyPwdSeqId').length
    const err = await requestPayPwdSeqId(f.deps, input(over)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DomainError)
    expect((err as DomainError).kind).toBe('invalid')
    expect((err as DomainError).message).toContain(field)
    expect(f.calls('verifyPwdSeqId').length).toBe(before)
  })

  it('an expired or foreign accessToken is a 401 asking to log in again', async () => {
    const err = await requestPayPwdSeqId(f.deps, input({ accessToken: f.accessToken(USER2.openId) })).catch(
      (e: unknown) => e,
    )
    expect(err).toMatchObject({ kind: 'unauthenticated', code: 'ACCESS_TOKEN_EXPIRED' })
  })

  it('platform refusals stay typed: unknown merchant, an unopened bizType, a notifyUrl outside the notify domain', async () => {
    await expect(requestPayPwdSeqId(f.deps, input({ merchantId: '999999999999999' }))).rejects.toMatchObject({
      resp: 'N62133',
    })
    await expect(requestPayPwdSeqId(f.deps, input({ bizType: '4z' }))).rejects.toMatchObject({ resp: 'N62138' })
    await expect(requestPayPwdSeqId(f.deps, input({ notifyUrl: 'https://evil.example/n' }))).rejects.toBeInstanceOf(
      UnionpayError,
    )
  })
})

describe('5.3.2 notification check', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const base = {
    appId: 'app',
    timestamp: '1553426982',
    nonceStr: 'JoErQGVrVy7MT70t',
    openId: 'o+/=',
    bizOrderId: '711076926887122',
    merchantId: '474919534200503',
    bizType: '4h',
  }
  const sign = (p: Record<string, string>) => {
    const s = Object.keys(p)
      .filter((k) => k !== 'signature' && p[k]?.trim())
      .sort()
      .map((k) => `${k}=${p[k]}`)
      .join('&')
    return createSign('RSA-SHA256').update(s).sign(privateKey, 'base64')
  }

  it('reads transNo signed under the plain key', () => {
    const p = { ...base, transNo: 'T1' }
    const r = checkPayPwdNotification({ ...p, signature: sign(p) }, publicKey)
    expect(r).toEqual({
      ok: true,
      notification: expect.objectContaining({ transNo: 'T1', bizOrderId: '711076926887122' }),
    })
  })

  it('reads the example\'s " transNo", signed over the key as sent or trimmed', () => {
    const spaced = { ...base, ' transNo': 'T2' }
    expect(checkPayPwdNotification({ ...spaced, signature: sign(spaced) }, publicKey)).toMatchObject({
      ok: true,
      notification: { transNo: 'T2' },
    })
    const trimmedSig = sign({ ...base, transNo: 'T2' })
    expect(checkPayPwdNotification({ ...spaced, signature: trimmedSig }, publicKey)).toMatchObject({
      ok: true,
      notification: { transNo: 'T2' },
    })
  })

  it('refuses a tampered field, another key, and a notification without transNo', () => {
    const p = { ...base, transNo: 'T3' }
    const signature = sign(p)
    expect(checkPayPwdNotification({ ...p, bizOrderId: '711076926887123', signature }, publicKey)).toEqual({
      ok: false,
      reason: 'signature',
    })
    expect(checkPayPwdNotification({ ...p, signature }, parsePublicKey(sandboxRsaKeyPair().publicKeyDer))).toEqual({
      ok: false,
      reason: 'signature',
    })
    expect(checkPayPwdNotification({ ...base, signature: sign(base) }, publicKey)).toEqual({
      ok: false,
      reason: 'incomplete',
    })
  })
})
