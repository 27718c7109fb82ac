import type { BluetoothDevice } from './types'
import { normalizeUuid, sigUuid } from './uuid'

/**
 * Beacon formats recognisable from a scan alone. Google's Eddystone advertises the 16-bit
 * service UUID 0xFEAA; Apple's iBeacon is manufacturer data from company 0x004C with subtype
 * 0x02 and length 0x15 (docs/bluetooth-hce.md gives the sources).
 */
export type BeaconKind = 'eddystone' | 'ibeacon'

const EDDYSTONE = sigUuid('FEAA')
const IBEACON_PREFIX = '4C000215'

/**
 * Which beacon format a scanned device advertises, or null. A beacon broadcasts its identity in
 * its advertisements and offers nothing to connect to: what it says is already in the scan.
 */
export function beaconKind(device: Pick<BluetoothDevice, 'advertisServiceUUIDs' | 'advertisData'>): BeaconKind | null {
  if (device.advertisServiceUUIDs.some((u) => normalizeUuid(u) === EDDYSTONE || normalizeUuid(u) === 'FEAA'))
    return 'eddystone'
  if (device.advertisData?.toUpperCase().includes(IBEACON_PREFIX)) return 'ibeacon'
  return null
}
