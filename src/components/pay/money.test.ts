import { describe, expect, it } from 'vitest'
import { formatFen, parseYuan } from './money'

describe('money', () => {
  it('parses 元 into integer 分 without float errors', () => {
    expect(parseYuan('0.01')).toEqual({ fen: 1 })
    expect(parseYuan('12.3')).toEqual({ fen: 1230 })
    expect(parseYuan(' 19.99 ')).toEqual({ fen: 1999 })
    expect(parseYuan('1000000')).toEqual({ fen: 100_000_000 })
  })
  it('refuses bad input with a message', () => {
    for (const s of ['', '0', '0.00', '1.234', '-1', 'abc', '1e3', '1000000.01'])
      expect(parseYuan(s)).toHaveProperty('error')
  })
  it('says why: a number too large is out of range, not a format error', () => {
    for (const s of ['1000000.01', '12345678', '99999999999'])
      expect(parseYuan(s)).toEqual({ error: expect.stringContaining('超出范围') })
    expect(parseYuan('0001.5')).toEqual({ fen: 150 })
    expect(parseYuan('1.234')).toEqual({ error: expect.stringContaining('两位小数') })
    expect(parseYuan('12a')).toEqual({ error: expect.stringContaining('格式不正确') })
  })
  it('formats 分', () => {
    expect(formatFen(1)).toBe('0.01')
    expect(formatFen(123456)).toBe('1234.56')
  })
})
