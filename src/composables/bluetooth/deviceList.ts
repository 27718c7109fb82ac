import type { BluetoothDevice } from '@/upsdk/bluetooth'

export interface ScannedDevice extends BluetoothDevice {
  lastSeen: number
}

/** The scan list after a BluetoothDeviceFound event: one entry per deviceId, name and RSSI kept current. */
export function mergeFound(
  list: readonly ScannedDevice[],
  found: readonly BluetoothDevice[],
  seenAt: number,
): ScannedDevice[] {
  const next = [...list]
  for (const d of found) {
    const i = next.findIndex((x) => x.deviceId === d.deviceId)
    const prev = i >= 0 ? next[i] : undefined
    const entry: ScannedDevice = {
      ...d,
      name: d.name || prev?.name || '',
      rssi: d.rssi ?? prev?.rssi,
      lastSeen: seenAt,
    }
    if (i >= 0) next[i] = entry
    else next.push(entry)
  }
  return next
}

/** The scan list without devices last seen before `seenSince`; connected ones stay. Same array when nothing goes. */
export function dropStale(
  list: readonly ScannedDevice[],
  seenSince: number,
  connectedIds: readonly string[],
): readonly ScannedDevice[] {
  const keep = list.filter((d) => d.lastSeen >= seenSince || connectedIds.includes(d.deviceId))
  return keep.length === list.length ? list : keep
}
