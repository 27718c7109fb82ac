import { describe, expect, it } from 'vitest'
import { safeRedirectPath } from './redirect.ts'

describe('same-origin redirect check', () => {
  it('accepts only same-origin paths', () => {
    expect(safeRedirectPath('/contract')).toBe('/contract')
    expect(safeRedirectPath('/contract?a=1#x')).toBe('/contract?a=1#x')
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example/',
      'contract',
      '',
      '/a\nb',
      42,
      undefined,
      `/${'a'.repeat(600)}`,
      '/.//evil.example',
      '/x/..//evil.example',
    ]) {
      expect(safeRedirectPath(bad), String(bad)).toBeNull()
    }
  })
})
