import { describe, expect, it, vi } from 'vitest'
import { createConnectionTracker } from './connections'

const device = (deviceId: string) => ({ deviceId, name: deviceId, rssi: -50, advertisServiceUUIDs: [] })

describe('createConnectionTracker', () => {
  it('asks for the native list only after a callback said connected (6.23.9)', async () => {
    const t = createConnectionTracker()
    const fetch = vi.fn(async () => [device('A')])
    expect(await t.refresh(fetch)).toEqual([])
    expect(fetch).not.toHaveBeenCalled()
    t.set('A', true)
    expect(await t.refresh(fetch)).toEqual([device('A')])
    expect(t.connectedIds.value).toEqual(['A'])
  })

  it('a disconnect drops the device from both lists and from the claimed ones', async () => {
    const t = createConnectionTracker()
    t.set('A', true)
    t.set('B', true)
    t.claim('A')
    t.claim('B')
    await t.refresh(async () => [device('A'), device('B')])
    t.set('A', false)
    expect(t.connectedIds.value).toEqual(['B'])
    expect(t.connectedDevices.value.map((d) => d.deviceId)).toEqual(['B'])
    expect(t.takeClaimed()).toEqual(['B'])
    expect(t.takeClaimed()).toEqual([])
    t.dropAll()
    expect(t.connectedIds.value).toEqual([])
  })
})
