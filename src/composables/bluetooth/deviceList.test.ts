import { describe, expect, it } from 'vitest'
import { dropStale, mergeFound } from './deviceList'

describe('scan list', () => {
  it('merges repeated sightings into one entry, keeping a known name when the event has none', () => {
    const a = mergeFound([], [{ deviceId: 'A', name: 'Lock', rssi: -60, advertisServiceUUIDs: [] }], 1)
    const b = mergeFound(
      a,
      [
        { deviceId: 'A', name: '', rssi: -50, advertisServiceUUIDs: [] },
        { deviceId: 'B', name: 'HR', rssi: undefined, advertisServiceUUIDs: [] },
      ],
      2,
    )
    expect(b).toEqual([
      { deviceId: 'A', name: 'Lock', rssi: -50, advertisServiceUUIDs: [], lastSeen: 2 },
      { deviceId: 'B', name: 'HR', rssi: undefined, advertisServiceUUIDs: [], lastSeen: 2 },
    ])
  })

  it('ages out devices not seen lately unless connected', () => {
    const list = mergeFound(
      mergeFound(
        [],
        [
          { deviceId: 'old', name: '', rssi: -1, advertisServiceUUIDs: [] },
          { deviceId: 'conn', name: '', rssi: -1, advertisServiceUUIDs: [] },
        ],
        1,
      ),
      [{ deviceId: 'new', name: '', rssi: -1, advertisServiceUUIDs: [] }],
      10,
    )
    expect(dropStale(list, 5, ['conn']).map((d) => d.deviceId)).toEqual(['conn', 'new'])
    const fresh = dropStale(list, 0, [])
    expect(fresh).toBe(list)
  })
})
