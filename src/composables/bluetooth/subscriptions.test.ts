import { describe, expect, it, vi } from 'vitest'
import { createSubscriptionBag } from './subscriptions'

describe('createSubscriptionBag', () => {
  it('cancelAll cancels what it holds and stays open; after close a late subscription is cancelled at once', () => {
    const bag = createSubscriptionBag()
    const a = vi.fn()
    bag.keep(a)
    bag.cancelAll()
    expect(a).toHaveBeenCalledOnce()
    const b = vi.fn()
    bag.keep(b)
    expect(b).not.toHaveBeenCalled()
    bag.close()
    expect(b).toHaveBeenCalledOnce()
    expect(bag.closed).toBe(true)
    const late = vi.fn()
    bag.keep(late)
    expect(late).toHaveBeenCalledOnce()
    expect(a).toHaveBeenCalledOnce()
  })
})
