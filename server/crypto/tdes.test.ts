import { describe, expect, it } from 'vitest'
import { TDES } from '../test-vectors/open-platform.ts'
import { tdesDecrypt, tdesEncrypt } from './tdes.ts'

const KEY24 = TDES.keyHex

describe('3DES ECB PKCS5 (2.4.2)', () => {
  it('matches a known ciphertext computed with openssl', () => {
    // printf '13812345678' | openssl enc -des-ede3 -K <KEY24> -nosalt | base64
    expect(tdesEncrypt(TDES.plain, KEY24)).toBe(TDES.cipherBase64)
    expect(tdesDecrypt(TDES.cipherBase64, KEY24)).toBe(TDES.plain)
  })

  it('round-trips Chinese text and treats an empty value as empty', () => {
    expect(tdesDecrypt(tdesEncrypt('张三', KEY24), KEY24)).toBe('张三')
    expect(tdesDecrypt('', KEY24)).toBe('')
  })

  it('accepts a 16-byte key (K1K2K1) and rejects other lengths', () => {
    const k16 = '0123456789abcdeffedcba9876543210'
    expect(tdesEncrypt('x', k16)).toBe(tdesEncrypt('x', k16 + k16.slice(0, 16)))
    expect(() => tdesEncrypt('x', 'abcd')).toThrow(/16 or 24 bytes/)
  })

  it('fails loudly on a wrong key instead of returning garbage silently', () => {
    const cipher = tdesEncrypt('13812345678', KEY24)
    expect(() => tdesDecrypt(cipher, 'ffffffffffffffffffffffffffffffffffffffffffffffff')).toThrow()
  })
})
