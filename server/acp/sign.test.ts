import { createPrivateKey, createPublicKey } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fixture, vectors } from './fixtures.ts'
import { parseAnswer } from './message.ts'
import { signFields, signingDigestHex, signingString, verifyFields } from './sign.ts'

const fieldsOf = (sorted: string) => parseAnswer(sorted)

describe('5.1.0 signing against openssl known-answer vectors', () => {
  for (const v of vectors) {
    it(`${v.name}: sorted string, sha256 hex and signature match openssl`, () => {
      // Shuffle the order the fields arrive in: signing sorts them.
      const fields = Object.fromEntries(Object.entries(fieldsOf(v.sorted)).reverse())
      expect(signingString(fields)).toBe(v.sorted)
      expect(signingDigestHex(fields)).toBe(v.sha256)
      const key = createPrivateKey(fixture(`${v.key}.key.pem`))
      // PKCS#1 v1.5 signatures are deterministic: ours must equal openssl's byte for byte.
      expect(signFields(fields, key)).toBe(v.signature)
      const pub = createPublicKey(fixture(`${v.key}.cert.pem`))
      expect(verifyFields({ ...fields, signature: v.signature }, pub)).toBe(true)
    })
  }

  it('a changed value or another key does not verify', () => {
    const v = vectors[0]!
    const fields = { ...fieldsOf(v.sorted), signature: v.signature }
    const pub = createPublicKey(fixture(`${v.key}.cert.pem`))
    expect(verifyFields({ ...fields, txnAmt: '1001' }, pub)).toBe(false)
    expect(verifyFields(fields, createPublicKey(fixture('upsign.cert.pem')))).toBe(false)
    expect(verifyFields({ ...fields, signature: 'not base64 at all' }, pub)).toBe(false)
    const { signature: _drop, ...unsigned } = fields
    expect(verifyFields(unsigned, pub)).toBe(false)
  })
})
