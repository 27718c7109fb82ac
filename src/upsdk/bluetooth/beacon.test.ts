import { describe, expect, it } from 'vitest'
import { beaconKind } from './beacon'
import { sigUuid } from './uuid'

describe('beaconKind', () => {
  it('recognises Eddystone by its service UUID (long or short, any case) and iBeacon by its manufacturer data', () => {
    expect(beaconKind({ advertisServiceUUIDs: [sigUuid('FEAA').toLowerCase()] })).toBe('eddystone')
    expect(beaconKind({ advertisServiceUUIDs: ['feaa'] })).toBe('eddystone')
    expect(
      beaconKind({ advertisServiceUUIDs: [], advertisData: '0201061AFF4C000215B5B182C7EAB14988AA99B5C1517008D9' }),
    ).toBe('ibeacon')
  })

  it('a device with services to connect to is no beacon', () => {
    expect(beaconKind({ advertisServiceUUIDs: [sigUuid('180D')] })).toBeNull()
    expect(beaconKind({ advertisServiceUUIDs: [sigUuid('FFF0')], advertisData: '4C000110' })).toBeNull()
  })
})
