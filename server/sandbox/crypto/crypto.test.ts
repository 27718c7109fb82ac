import { createVerify, generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { BEIJING_TIME, NOTIFY_SIGN, OPEN_SIGNATURE } from '../../test-vectors/chinaums.ts'
import {
  NOTIFICATION_SIGN_STRING,
  TDES,
  TOKEN_SIGNATURE,
  UPSDK_CONFIG_SIGNATURE,
} from '../../test-vectors/open-platform.ts'
import { gatewaySignature, gatewaySignatureMatches, notifySignature, readBodySigHeader } from './chinaums.ts'
import { sameString } from './compare.ts'
import { notificationString, platformNonce, platformSignature, signAsPlatform } from './open-platform.ts'
import { encryptForPartner } from './tdes.ts'
import { beijingCompact, beijingDashed, parseBeijingCompact, parseBeijingDashed } from './time.ts'

describe('sandbox 开放平台 crypto against the shared vectors', () => {
  it('2.4.1: the upsdk.config signature of appendix 1 (not the seed’s printed one)', () => {
    expect(platformSignature(UPSDK_CONFIG_SIGNATURE.params)).toBe(UPSDK_CONFIG_SIGNATURE.signature)
    expect(platformSignature(UPSDK_CONFIG_SIGNATURE.params)).not.toBe(UPSDK_CONFIG_SIGNATURE.seedPrintedSignature)
  })

  it('2.4.1: the token signature includes the secret', () => {
    expect(platformSignature({ ...TOKEN_SIGNATURE.params, secret: TOKEN_SIGNATURE.secret })).toBe(
      TOKEN_SIGNATURE.signature,
    )
  })

  it('2.4.2: 3DES encrypts to the openssl answer, with a 24- or 16-byte key', () => {
    expect(encryptForPartner(TDES.plain, TDES.keyHex)).toBe(TDES.cipherBase64)
    const k16 = TDES.keyHex.slice(0, 32)
    expect(encryptForPartner('x', k16)).toBe(encryptForPartner('x', k16 + k16.slice(0, 16)))
    expect(() => encryptForPartner('x', 'abcd')).toThrow(/16 or 24 bytes/)
  })

  it('appendix 5: the signed string and a SHA256withRSA signature a verifier accepts', () => {
    expect(notificationString(NOTIFICATION_SIGN_STRING.params)).toBe(NOTIFICATION_SIGN_STRING.string)
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const signature = signAsPlatform(NOTIFICATION_SIGN_STRING.params, pem)
    const verify = (data: string) => createVerify('RSA-SHA256').update(data).verify(publicKey, signature, 'base64')
    expect(verify(NOTIFICATION_SIGN_STRING.string)).toBe(true)
    expect(verify(`${NOTIFICATION_SIGN_STRING.string}x`)).toBe(false)
  })

  it('appendix 3: nonceStr is 16 of [a-zA-Z0-9]', () => {
    const seen = new Set(Array.from({ length: 50 }, platformNonce))
    expect(seen.size).toBe(50)
    for (const n of seen) expect(n).toMatch(/^[a-zA-Z0-9]{16}$/)
  })
})

describe('sandbox 银商 crypto against the shared vectors', () => {
  it('1.8.4: reproduces the seed’s MD5 and SHA256 examples', () => {
    expect(notifySignature(NOTIFY_SIGN.params, NOTIFY_SIGN.key, 'MD5')).toBe(NOTIFY_SIGN.md5)
    expect(notifySignature(NOTIFY_SIGN.params, NOTIFY_SIGN.key, 'SHA256')).toBe(NOTIFY_SIGN.sha256)
    expect(notifySignature({ ...NOTIFY_SIGN.params, empty: '' }, NOTIFY_SIGN.key, 'MD5')).toBe(NOTIFY_SIGN.md5)
  })

  it('1.1.3: the OPEN-FORM-PARAM / OPEN-BODY-SIG HMAC', () => {
    const { appId, timestamp, nonce, content, appKey, signature } = OPEN_SIGNATURE
    expect(gatewaySignature({ appId, timestamp, nonce }, content, appKey)).toBe(signature)
    expect(gatewaySignatureMatches({ appId, timestamp, nonce, signature }, content, appKey)).toBe(true)
    expect(gatewaySignatureMatches({ appId, timestamp, nonce, signature }, `${content} `, appKey)).toBe(false)
  })

  it('reads the OPEN-BODY-SIG header and names what is wrong with a bad one', () => {
    const { appId, timestamp, nonce, signature } = OPEN_SIGNATURE
    expect(readBodySigHeader(OPEN_SIGNATURE.header)).toEqual({ appId, timestamp, nonce, signature })
    expect(readBodySigHeader(undefined)).toMatch(/缺少/)
    expect(readBodySigHeader('Bearer x')).toMatch(/OPEN-BODY-SIG/)
    expect(readBodySigHeader(OPEN_SIGNATURE.header.replace(/, Nonce="[^"]*"/, ''))).toMatch(/Nonce/)
    expect(readBodySigHeader('OPEN-BODY-SIG AppId=x')).toMatch(/格式/)
  })

  it('Beijing time in both formats, and back', () => {
    expect(beijingCompact(BEIJING_TIME.epochMs)).toBe(BEIJING_TIME.compact)
    expect(beijingDashed(BEIJING_TIME.epochMs)).toBe(BEIJING_TIME.dashed)
    expect(parseBeijingCompact(BEIJING_TIME.compact)).toBe(BEIJING_TIME.epochMs)
    expect(parseBeijingDashed(BEIJING_TIME.dashed)).toBe(BEIJING_TIME.epochMs)
    expect(parseBeijingCompact('20170231120000')).toBeNaN()
    expect(parseBeijingCompact(BEIJING_TIME.dashed)).toBeNaN()
    expect(parseBeijingDashed('2017-06-0613:57:00')).toBeNaN()
  })

  it('compares in constant time, exactly', () => {
    expect(sameString('abc', 'abc')).toBe(true)
    expect(sameString('abc', 'abd')).toBe(false)
    expect(sameString('abc', 'abcd')).toBe(false)
  })
})
