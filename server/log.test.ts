import { describe, expect, it } from 'vitest'
import { redactUrl } from './log.ts'

describe('log redaction', () => {
  it('hides credentials and personal data in query strings', () => {
    const out = redactUrl('/api/oauth/callback?code=ab%2B%2Fcd%3D%3D&state=xyz&lang=zh')
    expect(out).not.toContain('ab%2B')
    expect(out).not.toContain('xyz')
    expect(out).toContain('lang=zh')
    expect(redactUrl('/healthz')).toBe('/healthz')
  })
})
