import { describe, expect, it } from 'vitest'
import { AUTH_REVOKE_FIELDS, CONTRACT_RELIEVE_FIELDS, missingFields, replayKey, staleness } from './notify-guard.ts'

describe('notification guard', () => {
  it('the same signature re-encoded has one replay key; another signature another', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 37 + 11) & 0xff))
    const std = bytes.toString('base64')
    expect(std).toMatch(/[+/]/)
    const key = replayKey(std)
    expect(replayKey(bytes.toString('base64url'))).toBe(key)
    expect(replayKey(std.replace(/=+$/, ''))).toBe(key)
    expect(replayKey(std.replace(/(.{64})/g, '$1\n'))).toBe(key)
    expect(replayKey(`${std} `)).toBe(key)
    const other = Buffer.from(bytes)
    other[0] = (other[0] ?? 0) ^ 1
    expect(replayKey(other.toString('base64'))).not.toBe(key)
  })

  it('timestamps: seconds, not older than a day, not more than 5 minutes ahead', () => {
    const now = 1_764_000_000_000
    expect(staleness(String(now / 1000), now)).toBeNull()
    expect(staleness(String(now / 1000 - 24 * 3600 + 1), now)).toBeNull()
    expect(staleness(String(now / 1000 - 24 * 3600 - 1), now)).toBe('timestamp older than the freshness window')
    expect(staleness(String(now / 1000 + 301), now)).toBe('timestamp in the future')
    expect(staleness(String(now), now)).toBe('timestamp is not seconds since the epoch')
    expect(staleness(undefined, now)).toBe('timestamp is not seconds since the epoch')
  })

  it("the seed's required fields", () => {
    const full = {
      appId: 'a',
      timestamp: '1',
      nonceStr: 'n',
      operateTime: '2026-01-01 10:00:00',
      openId: 'o',
      trid: 't',
      contractId: 'c',
      signature: 's',
    }
    expect(missingFields(full, CONTRACT_RELIEVE_FIELDS)).toEqual([])
    expect(missingFields({ ...full, trid: '', nonceStr: ' ' }, CONTRACT_RELIEVE_FIELDS)).toEqual(['nonceStr', 'trid'])
    const { operateTime: _o, trid: _t, contractId: _c, ...revoke } = full
    expect(missingFields(revoke, AUTH_REVOKE_FIELDS)).toEqual([])
    expect(missingFields({ ...revoke, timestamp: '' }, AUTH_REVOKE_FIELDS)).toEqual(['timestamp'])
  })
})
