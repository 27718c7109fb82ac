import { describe, expect, it } from 'vitest'
import { beijingDayStart, compactTimestamp, parseBeijingTime, requestTimestamp } from './time.ts'

describe('Beijing time', () => {
  it('writes an instant in UTC+8 whatever the machine zone', () => {
    const t = Date.UTC(2026, 10, 30, 16, 30, 5) // 2026-12-01 00:30:05 in Beijing
    expect(compactTimestamp(t)).toBe('20261201003005')
    expect(requestTimestamp(t)).toBe('2026-12-01 00:30:05')
    expect(parseBeijingTime('2026-12-01 00:30:05')).toBe(t)
  })

  it('a Beijing day starts at 16:00 UTC the day before', () => {
    expect(beijingDayStart(Date.UTC(2026, 10, 30, 16, 30))).toBe(Date.UTC(2026, 10, 30, 16, 0))
    expect(beijingDayStart(Date.UTC(2026, 10, 30, 15, 59))).toBe(Date.UTC(2026, 10, 29, 16, 0))
  })
})
