import { describe, expect, it } from 'vitest'
import { createHoldCounter } from './holds'
import { appendRing } from './ringLog'

describe('createHoldCounter', () => {
  it('says "last" only when the final holder of that owner lets go', () => {
    const holds = createHoldCounter()
    const upsdk = {}
    const a = Symbol('a')
    const b = Symbol('b')
    holds.hold(upsdk, a)
    holds.hold(upsdk, b)
    holds.hold({}, a)
    expect(holds.release(upsdk, a)).toBe(false)
    expect(holds.count(upsdk)).toBe(1)
    expect(holds.release(upsdk, b)).toBe(true)
  })
})

describe('appendRing', () => {
  it('keeps the newest entries up to the limit, in a new array', () => {
    const one = appendRing([], 1, 2)
    const three = appendRing(appendRing(one, 2, 2), 3, 2)
    expect(three).toEqual([2, 3])
    expect(one).toEqual([1])
  })
})
