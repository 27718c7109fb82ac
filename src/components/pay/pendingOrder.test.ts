import { describe, expect, it } from 'vitest'
import { forgetPendingOrder, readPendingOrder, rememberPendingOrder } from './pendingOrder'

function memoryStorage(): Storage {
  const m = new Map<string, string>()
  return {
    get length() {
      return m.size
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  }
}

describe('the pending order', () => {
  const o = { merOrderId: 'UPK0001', amount: 100, channel: 'upsdk', at: 1_000_000 }

  it('is remembered until its own result is known', () => {
    const s = memoryStorage()
    rememberPendingOrder(o, s)
    expect(readPendingOrder(o.at + 1000, s)).toEqual(o)
    forgetPendingOrder('another', s)
    expect(readPendingOrder(o.at + 1000, s)).toEqual(o)
    forgetPendingOrder('UPK0001', s)
    expect(readPendingOrder(o.at + 1000, s)).toBeNull()
  })

  it('is history after 30 minutes, and garbage is ignored', () => {
    const s = memoryStorage()
    rememberPendingOrder(o, s)
    expect(readPendingOrder(o.at + 31 * 60_000, s)).toBeNull()
    s.setItem('upkit.pendingOrder', '{"merOrderId":1}')
    expect(readPendingOrder(o.at, s)).toBeNull()
    s.setItem('upkit.pendingOrder', 'not json')
    expect(readPendingOrder(o.at, s)).toBeNull()
  })
})
