import { execFileSync } from 'node:child_process'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  AcpCertError,
  checkUnionpayCert,
  cnOwner,
  loadCertificate,
  loadPkcs12,
  readSetting,
  type TrustAnchors,
} from './certs.ts'
import { EncryptCerts, encryptSensitive } from './encrypt.ts'
import { FIXTURE_NOW, fixture, fixtureBytes, fixturePath, vectors } from './fixtures.ts'
import { parseAnswer } from './message.ts'
import { signFields, verifyFields } from './sign.ts'
import { AcpVerifier } from './verify.ts'

const trust: TrustAnchors = {
  root: loadCertificate(fixtureBytes('root.cert.pem')),
  middle: loadCertificate(fixtureBytes('middle.cert.pem')),
}
const opts = { now: FIXTURE_NOW, allowTestCn: false }
const reason = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    if (e instanceof AcpCertError) return e.reason
    throw e
  }
  return 'accepted'
}

describe('merchant PKCS#12', () => {
  it('opens both the modern (AES/PBKDF2) and legacy (3DES/SHA1) pfx; certId is the decimal serial', () => {
    for (const name of ['merchant.pfx', 'merchant-legacy.pfx']) {
      const id = loadPkcs12(fixtureBytes(name), '000000')
      expect(id.certId).toBe('68759663125')
      const v = vectors.find((x) => x.key === 'merchant')!
      expect(signFields(parseAnswer(v.sorted), id.privateKey)).toBe(v.signature)
    }
  })

  it('a wrong password is a clear error', () => {
    expect(() => loadPkcs12(fixtureBytes('merchant.pfx'), 'nope')).toThrow(AcpCertError)
  })

  it('settings are read from a path, PEM text or base64', () => {
    expect(readSetting(fixturePath('merchant.pfx')).equals(fixtureBytes('merchant.pfx'))).toBe(true)
    expect(readSetting(fixtureBytes('merchant.pfx').toString('base64')).equals(fixtureBytes('merchant.pfx'))).toBe(true)
    expect(readSetting(fixture('root.cert.pem')).toString()).toBe(fixture('root.cert.pem').trim())
  })
})

describe('signPubKeyCert chain check', () => {
  it('accepts a UnionPay signing certificate under the configured middle and root', () => {
    expect(reason(() => checkUnionpayCert(fixture('upsign.cert.pem'), trust, opts))).toBe('accepted')
    expect(cnOwner(new X509Certificate(fixture('upsign.cert.pem')))).toBe('中国银联股份有限公司')
  })
  it('refuses a certificate chaining to another root', () => {
    expect(reason(() => checkUnionpayCert(fixture('forged.cert.pem'), trust, opts))).toBe('chain')
    expect(
      reason(() =>
        checkUnionpayCert(
          fixture('upsign.cert.pem'),
          { ...trust, root: loadCertificate(fixtureBytes('otherroot.cert.pem')) },
          opts,
        ),
      ),
    ).toBe('chain')
  })
  it('refuses an expired certificate', () => {
    expect(reason(() => checkUnionpayCert(fixture('expired.cert.pem'), trust, opts))).toBe('expired')
  })
  it('refuses a certificate whose CN is not UnionPay; the test CN only with the test switch', () => {
    expect(reason(() => checkUnionpayCert(fixture('wrongcn.cert.pem'), trust, opts))).toBe('cn')
    expect(reason(() => checkUnionpayCert(fixture('upsigntest.cert.pem'), trust, opts))).toBe('cn')
    expect(reason(() => checkUnionpayCert(fixture('upsigntest.cert.pem'), trust, { ...opts, allowTestCn: true }))).toBe(
      'accepted',
    )
    expect(reason(() => checkUnionpayCert(fixture('wrongcn.cert.pem'), trust, { ...opts, allowTestCn: true }))).toBe(
      'cn',
    )
  })
})

describe('AcpVerifier on whole messages', () => {
  const v = vectors.find((x) => x.name === 'answer')!
  const signed = { ...parseAnswer(v.sorted), signature: v.signature }
  const verifier = new AcpVerifier(trust, { allowTestCn: false, clock: () => FIXTURE_NOW })
  // signPubKeyCert is part of what is signed, so sign again over the message that carries it.
  const withCert = (certName: string, keyName = certName) => {
    const f = { ...parseAnswer(v.sorted), signPubKeyCert: fixture(`${certName}.cert.pem`) }
    return { ...f, signature: signFields(f, loadKey(keyName)) }
  }
  const loadKey = (name: string) => createPrivateKey(fixture(`${name}.key.pem`))

  it('good message verifies', () => {
    expect(verifier.verify(withCert('upsign'))).toEqual({ ok: true })
    expect(verifyFields(signed, new X509Certificate(fixture('upsign.cert.pem')).publicKey)).toBe(true)
  })
  it('tampered message fails', () => {
    expect(verifier.verify({ ...withCert('upsign'), txnAmt: '1' }).ok).toBe(false)
  })
  it('certificate swapped for another valid UnionPay certificate fails (the signature does not match it)', () => {
    const m = withCert('upsign')
    const r = verifier.verify({ ...m, signPubKeyCert: fixture('upsign2.cert.pem') })
    expect(r).toEqual({ ok: false, reason: 'signature does not verify' })
  })
  it('wrong root, expired, wrong CN fail with the certificate named', () => {
    for (const name of ['forged', 'expired', 'wrongcn']) {
      const r = verifier.verify(withCert(name))
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.reason).toMatch(/^signPubKeyCert/)
    }
  })
  it('an accepted certificate is re-checked for validity when time moves on', () => {
    let now = FIXTURE_NOW
    const timed = new AcpVerifier(trust, { allowTestCn: false, clock: () => now })
    expect(timed.verify(withCert('upsign')).ok).toBe(true)
    now = Date.parse('2040-01-01T00:00:00Z')
    expect(timed.verify(withCert('upsign')).ok).toBe(false)
  })
})

describe('sensitive-field encryption', () => {
  it('round trip: our ciphertext decrypts with openssl and the encryption key', () => {
    const certs = new EncryptCerts(loadCertificate(fixtureBytes('encrypt.cert.pem')))
    expect(certs.current().certId).toBe('69042905377')
    const c = encryptSensitive('6216261000000000018', certs.current())
    const plain = execFileSync(
      'openssl',
      ['pkeyutl', '-decrypt', '-inkey', fixturePath('encrypt.key.pem'), '-pkeyopt', 'rsa_padding_mode:pkcs1'],
      { input: Buffer.from(c, 'base64') },
    )
    expect(plain.toString('utf8')).toBe('6216261000000000018')
  })
  it('a key update keeps the previous certificate known for the overlap and uses the new one', () => {
    const certs = new EncryptCerts(loadCertificate(fixtureBytes('encrypt.cert.pem')))
    expect(certs.adopt(loadCertificate(fixtureBytes('upsign2.cert.pem')))).toBe(true)
    expect(certs.adopt(loadCertificate(fixtureBytes('upsign2.cert.pem')))).toBe(false)
    expect(certs.current().certId).toBe('69026276697')
    expect(certs.known().map((c) => c.certId)).toEqual(['69026276697', '69042905377'])
  })
})
