import { describe, expect, it } from 'vitest'
import { MemoryKv } from './memory-kv.ts'

describe('MemoryKv', () => {
  it('expires values, takes them once and releases locks only for their owner', async () => {
    let now = 0
    const kv = new MemoryKv(() => now)
    await kv.set('a', '1', 100)
    expect(await kv.get('a')).toBe('1')
    now = 100
    expect(await kv.get('a')).toBeNull()
    await kv.set('s', 'state', 1000)
    expect(await kv.take('s')).toBe('state')
    expect(await kv.take('s')).toBeNull()
    expect(await kv.setIfAbsent('l', 'me', 1000)).toBe(true)
    expect(await kv.setIfAbsent('l', 'you', 1000)).toBe(false)
    expect(await kv.delIfEquals('l', 'you')).toBe(false)
    expect(await kv.delIfEquals('l', 'me')).toBe(true)
  })

  it('admits at most `limit` events in any sliding window', async () => {
    const kv = new MemoryKv()
    const results: boolean[] = []
    for (let t = 0; t < 30; t++) results.push(await kv.admit('w', 10, 1000, t * 50))
    // 10 admitted in [0, 450], none until the first leaves the window at t=1000
    expect(results.slice(0, 10).every(Boolean)).toBe(true)
    expect(results.slice(10, 20).some(Boolean)).toBe(false)
    expect(results[20]).toBe(true)
  })
})
