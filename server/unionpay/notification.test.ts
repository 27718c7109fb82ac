import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { notificationSignString, parsePublicKey, signNotification, verifyNotification } from '../crypto/rsa.ts'
import { notificationParams } from './notification.ts'

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const upPublicKeyB64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
const params = {
  appId: 'fb707efe4c3a9e06d85',
  timestamp: '1568251930',
  nonceStr: 'XFg3Lx4fUTaFyFLJ',
  openId: 'A+2pMHJdXtQ42kQsuqUyM4qPubW5hrr3ONwj7Dgnu2wCFGcrnYVZiUo5AbUZPnBm',
}

describe('用户授权解除通知 signature (appendix 5)', () => {
  it('signs the sorted non-empty params without signature and symmetricKey', () => {
    expect(notificationSignString({ ...params, signature: 'x', symmetricKey: 'k', empty: ' ' })).toBe(
      'appId=fb707efe4c3a9e06d85&nonceStr=XFg3Lx4fUTaFyFLJ&openId=A+2pMHJdXtQ42kQsuqUyM4qPubW5hrr3ONwj7Dgnu2wCFGcrnYVZiUo5AbUZPnBm&timestamp=1568251930',
    )
  })

  it('verifies a good signature with upPublicKey (base64 X.509)', () => {
    const signature = signNotification(params, privateKey)
    expect(verifyNotification({ ...params, signature }, parsePublicKey(upPublicKeyB64))).toBe(true)
    expect(
      verifyNotification(
        { ...params, signature },
        parsePublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
      ),
    ).toBe(true)
  })

  it('refuses tampered params, a wrong key, and a missing or garbage signature', () => {
    const signature = signNotification(params, privateKey)
    const key = parsePublicKey(upPublicKeyB64)
    expect(verifyNotification({ ...params, openId: `${params.openId}x`, signature }, key)).toBe(false)
    expect(
      verifyNotification({ ...params, signature: signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, key),
    ).toBe(false)
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
    expect(verifyNotification({ ...params, signature: signNotification(params, other.privateKey) }, key)).toBe(false)
    expect(verifyNotification({ ...params, signature }, other.publicKey)).toBe(false)
    expect(verifyNotification(params, key)).toBe(false)
    expect(verifyNotification({ ...params, signature: '%%%not base64' }, key)).toBe(false)
  })
})

describe('notification params', () => {
  const signature = signNotification(params, createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' })))
  const key = parsePublicKey(upPublicKeyB64)

  it('reads a GET query with raw + and / (as in the spec example) without turning + into spaces', () => {
    const url = `/notify?${Object.entries({ ...params, signature })
      .map(([k, v]) => `${k}=${v}`)
      .join('&')}`
    const p = notificationParams(url, undefined)
    expect(p?.openId).toBe(params.openId)
    expect(verifyNotification(p!, key)).toBe(true)
  })

  it('reads back a form body whose + became spaces', () => {
    const p = notificationParams('/notify', {
      ...params,
      openId: params.openId.replace(/\+/g, ' '),
      signature: signature.replace(/\+/g, ' '),
    })
    expect(verifyNotification(p!, key)).toBe(true)
  })

  it('refuses non-string values and bad encodings', () => {
    expect(notificationParams('/notify', { openId: ['a'] })).toBeNull()
    expect(notificationParams('/notify?openId=%E0%A4%A', undefined)).toBeNull()
    expect(notificationParams('/notify', 'text')).toBeNull()
  })
})
