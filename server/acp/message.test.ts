import { describe, expect, it } from 'vitest'
import { braceValue, encodeForm, parseAnswer, parseBraceValue } from './message.ts'

describe('answer parser', () => {
  it('keeps + / = raw (no url-decoding) and splits each pair on its first =', () => {
    const a = parseAnswer(
      'respCode=00&signature=ab+c/d==&signPubKeyCert=-----BEGIN CERTIFICATE-----\r\nMII+/x==\r\n-----END CERTIFICATE-----',
    )
    expect(a.signature).toBe('ab+c/d==')
    expect(a.signPubKeyCert).toBe('-----BEGIN CERTIFICATE-----\r\nMII+/x==\r\n-----END CERTIFICATE-----')
    expect(a.respCode).toBe('00')
  })

  it('is brace-aware: & and = inside {...} stay in the value, nesting included', () => {
    const a = parseAnswer('tokenPayData={token=6235&trId=62000000001&x={a=1&b=2}}&respCode=00')
    expect(a.tokenPayData).toBe('{token=6235&trId=62000000001&x={a=1&b=2}}')
    expect(a.respCode).toBe('00')
    expect(parseBraceValue('{token=6235&trId=1}')).toEqual({ token: '6235', trId: '1' })
  })

  it('unwraps an answer wrapped in braces, keeps empty values, refuses an unclosed brace', () => {
    expect(parseAnswer('{a=1&b=}')).toEqual({ a: '1', b: '' })
    expect(() => parseAnswer('a={x=1&b=2')).toThrow(/never closes/)
    expect(() => parseAnswer('a=1&junk&b=2')).toThrow(/without "="/)
  })

  it('encodes requests as forms (+ becomes %2B) and drops empty values', () => {
    expect(encodeForm({ signature: 'a+b/c=', empty: '', t: braceValue({ token: 'X' }) })).toBe(
      'signature=a%2Bb%2Fc%3D&t=%7Btoken%3DX%7D',
    )
  })
})
