import { describe, expect, it } from 'vitest'
import { beijingLabelled, beijingTime } from './beijingTime'

describe('beijingTime', () => {
  it('shows UTC+8 whatever the zone, across midnight and the year', () => {
    const t = Date.UTC(2026, 11, 31, 16, 5, 9) // 2027-01-01 00:05:09 in Beijing
    expect(beijingTime(t)).toBe('2027-01-01 00:05')
    expect(beijingTime(t, 'second')).toBe('2027-01-01 00:05:09')
    expect(beijingTime(t, 'time')).toBe('00:05:09')
  })
  it('labels it', () => {
    expect(beijingLabelled(Date.UTC(2026, 10, 30, 23, 0), 'minute')).toBe('2026-12-01 07:00 北京时间')
  })
})
