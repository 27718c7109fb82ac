import { describe, expect, it } from 'vitest'
import { maskCertId, maskMobile, maskName } from './mask'

describe('masks', () => {
  it('hides the middle of a mobile number', () => {
    expect(maskMobile('13812345678')).toBe('138****5678')
    expect(maskMobile('123')).toBe('***')
  })
  it('keeps only the first character of a name', () => {
    expect(maskName('张三')).toBe('张*')
    expect(maskName('欧阳娜娜')).toBe('欧***')
    expect(maskName('')).toBe('')
  })
  it('keeps the first and last four characters of a certificate number', () => {
    expect(maskCertId('110101199003071234')).toBe('1101**********1234')
    expect(maskCertId('1234')).toBe('****')
  })
})
