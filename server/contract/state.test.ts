import { describe, expect, it } from 'vitest'
import { MemoryKv } from '../store/memory-kv.ts'
import { ContractStateStore, hashBinding, withQuery } from './state.ts'

describe('contract state and redirect helpers', () => {
  it('adds query parameters to a path that has its own', () => {
    expect(withQuery('/contract?from=x#top', { contract: 'signed' })).toBe('/contract?from=x&contract=signed#top')
  })

  it('state is single use and needs the binding cookie', async () => {
    const states = new ContractStateStore(new MemoryKv())
    const s = await states.create({ planId: 'P', redirect: '/contract', binding: hashBinding('cookie-1') })
    expect(s).toMatch(/^[A-Za-z0-9]{32}$/)
    expect(await states.take(s, 'cookie-2')).toBeNull()
    const s2 = await states.create({ planId: 'P', redirect: '/contract', binding: hashBinding('cookie-1') })
    expect(await states.take(s2, 'cookie-1')).toEqual({
      planId: 'P',
      redirect: '/contract',
      binding: hashBinding('cookie-1'),
    })
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
