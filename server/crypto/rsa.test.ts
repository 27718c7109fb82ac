import { createSign, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { NOTIFICATION_SIGN_STRING } from '../test-vectors/open-platform.ts'
import { notificationSignString, parsePrivateKey, parsePublicKey, signNotification, verifyNotification } from './rsa.ts'

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048 })

describe('appendix 5: upPublicKey verification', () => {
  const { publicKey, privateKey } = pair()
  const publicDerB64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
  const params = {
    appId: 'a5949221470c4059b9b0b45a90c81527',
    contractId: '123456789',
    openId: 'ab+/cd==',
    planId: 'PLAN0001',
    empty: '',
    symmetricKey: 'not-signed',
  }

  it('matches the shared appendix 5 vector', () => {
    expect(notificationSignString(NOTIFICATION_SIGN_STRING.params)).toBe(NOTIFICATION_SIGN_STRING.string)
  })

  it('signs the sorted non-empty params except signature and symmetricKey', () => {
    expect(notificationSignString({ ...params, signature: 'x' })).toBe(
      'appId=a5949221470c4059b9b0b45a90c81527&contractId=123456789&openId=ab+/cd==&planId=PLAN0001',
    )
  })

  it('accepts a signature made independently with SHA256withRSA', () => {
    const signature = createSign('sha256')
      .update('appId=a5949221470c4059b9b0b45a90c81527&contractId=123456789&openId=ab+/cd==&planId=PLAN0001')
      .sign(privateKey, 'base64')
    expect(verifyNotification({ ...params, signature }, parsePublicKey(publicDerB64))).toBe(true)
  })

  it('parses the key as base64 DER or PEM', () => {
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const signature = signNotification(params, privateKey)
    expect(verifyNotification({ ...params, signature }, parsePublicKey(pem))).toBe(true)
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64')
    expect(
      verifyNotification({ ...params, signature: signNotification(params, parsePrivateKey(pkcs8)) }, publicKey),
    ).toBe(true)
  })

  it('rejects tampered params, a wrong key, garbage and a missing signature', () => {
    const signature = signNotification(params, privateKey)
    expect(verifyNotification({ ...params, contractId: '123456780', signature }, publicKey)).toBe(false)
    expect(verifyNotification({ ...params, signature }, pair().publicKey)).toBe(false)
    expect(verifyNotification({ ...params, signature: 'not base64 !!' }, publicKey)).toBe(false)
    expect(verifyNotification({ ...params }, publicKey)).toBe(false)
  })

  it('ignores symmetricKey and empty values when verifying', () => {
    const signature = signNotification(params, privateKey)
    expect(verifyNotification({ ...params, symmetricKey: 'changed', empty: ' ', signature }, publicKey)).toBe(true)
  })
})
