import { describe, expect, it } from 'vitest'
import { tdesDecrypt, tdesEncrypt } from '../crypto/tdes.ts'
import { DomainError } from '../errors.ts'
import { STATUS_OF_KIND } from '../http/error-handler.ts'
import { UnionpayError } from './errors.ts'
import { mapUserInfoError } from './user.ts'

const KEY = '0123456789abcdeffedcba9876543210a1b2c3d4e5f60718'

describe('3DES (DESede/ECB/PKCS5Padding, base64)', () => {
  // Vectors made with `printf '...' | openssl enc -des-ede3 -K <KEY> -base64`.
  it('decrypts known ciphertext', () => {
    expect(tdesDecrypt('cTnzjWO6meDjK/hQ99T00A==', KEY)).toBe('13812345678')
    expect(tdesDecrypt('2B5OnnCy4fw=', KEY)).toBe('张三')
  })

  it('encrypts to the same ciphertext and round-trips', () => {
    expect(tdesEncrypt('13812345678', KEY)).toBe('cTnzjWO6meDjK/hQ99T00A==')
    expect(tdesDecrypt(tdesEncrypt('110101199003071234', KEY), KEY)).toBe('110101199003071234')
  })

  it('fails with another key instead of returning garbage silently', () => {
    const other = 'ffffffffffffffffeeeeeeeeeeeeeeeedddddddddddddddd'
    expect(() => tdesDecrypt('cTnzjWO6meDjK/hQ99T00A==', other)).toThrow()
  })
})

describe('user info error mapping', () => {
  const map = (resp: string, what: 'mobile' | 'identity' = 'mobile') =>
    mapUserInfoError(new UnionpayError(what === 'mobile' ? 'user.mobile' : 'user.auth', resp, ''), what) as DomainError

  it.each([
    ['N62131', 403, 'SCOPE_NOT_GRANTED'],
    ['S52131', 403, 'SCOPE_NOT_GRANTED'],
    ['N62135', 404, 'MOBILE_NOT_PROVIDED'],
    ['N62136', 404, 'NO_MOBILE'],
    ['S52136', 404, 'NO_MOBILE'],
    ['a31', 401, 'ACCESS_TOKEN_EXPIRED'],
  ])('%s → %i %s', (resp, status, code) => {
    const e = map(resp)
    expect(e).toBeInstanceOf(DomainError)
    expect(STATUS_OF_KIND[e.kind]).toBe(status)
    expect(e.code).toBe(code)
    expect(e.message).toContain(resp === 'a31' ? '重新登录' : resp)
  })

  it('names the scope that is needed', () => {
    expect(map('S52131', 'identity').message).toContain('upapi_auth')
    expect(map('N62131').details).toMatchObject({ requiredScope: 'upapi_mobile' })
  })

  it('leaves other errors alone', () => {
    const e = new UnionpayError('user.mobile', 'BC2133', '')
    expect(mapUserInfoError(e, 'mobile')).toBe(e)
    const t = new UnionpayError('user.mobile', 'TIMEOUT', '', 'timeout')
    expect(mapUserInfoError(t, 'mobile')).toBe(t)
  })
})
