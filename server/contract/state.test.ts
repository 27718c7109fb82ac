import { describe, expect, it } from 'vitest'
import { MemoryKv } from '../store/memory-kv.ts'
import { ContractStateStore, hashBinding, parseRawPairs, rawQuery, safeRedirectPath, withQuery } from './state.ts'

describe('contract state and redirect helpers', () => {
  it('accepts only same-origin paths', () => {
    expect(safeRedirectPath('/contract')).toBe('/contract')
    expect(safeRedirectPath('/contract?a=1#x')).toBe('/contract?a=1#x')
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'contract', '', '/a\nb', 42, undefined, `/${'a'.repeat(600)}`, '/.//evil.example', '/x/..//evil.example']) {
      expect(safeRedirectPath(bad), String(bad)).toBeNull()
    }
  })

  it('adds query parameters to a path that has its own', () => {
    expect(withQuery('/contract?from=x#top', { contract: 'signed' })).toBe('/contract?from=x&contract=signed#top')
  })

  it('keeps a literal + when reading a raw query', () => {
    const q = rawQuery('/cb?code=ab+c%2Fd%3D&state=S1&empty=&flag#frag')
    expect(parseRawPairs(q)).toEqual([
      ['code', 'ab+c/d='],
      ['state', 'S1'],
      ['empty', ''],
      ['flag', ''],
    ])
    expect(parseRawPairs('bad=%E0%A4%A')).toEqual([['bad', '%E0%A4%A']])
  })

  it('state is single use and needs the binding cookie', async () => {
    const states = new ContractStateStore(new MemoryKv())
    const s = await states.create({ planId: 'P', redirect: '/contract', binding: hashBinding('cookie-1') })
    expect(s).toMatch(/^[A-Za-z0-9]{32}$/)
    expect(await states.take(s, 'cookie-2')).toBeNull()
    const s2 = await states.create({ planId: 'P', redirect: '/contract', binding: hashBinding('cookie-1') })
    expect(await states.take(s2, 'cookie-1')).toEqual({ planId: 'P', redirect: '/contract', binding: hashBinding('cookie-1') })
    expect(await states.take(s2, 'cookie-1')).toBeNull()
    expect(await states.take('not valid!', 'cookie-1')).toBeNull()
  })

  it('state expires', async () => {
    let now = 1_000
    const states = new ContractStateStore(new MemoryKv(() => now), 60_000)
    const s = await states.create({ planId: 'P', redirect: '/', binding: hashBinding('c') })
    now += 60_001
    expect(await states.take(s, 'c')).toBeNull()
  })
})
