import { shallowRef, type ShallowRef } from 'vue'
import type { BluetoothDevice } from '@/upsdk/bluetooth'

/** Which devices are connected, as the connection-state listener and the native list say. */
export interface ConnectionTracker {
  connectedIds: ShallowRef<readonly string[]>
  /** The native connected list (fetched only after a connection-state callback said yes). */
  connectedDevices: ShallowRef<readonly BluetoothDevice[]>
  /** A connection-state callback. */
  set(deviceId: string, connected: boolean): void
  /** Bluetooth went off: every link is gone. */
  dropAll(): void
  /** Marks a device this owner connected (disconnected when it ends). */
  claim(deviceId: string): void
  unclaim(deviceId: string): void
  /** The devices this owner connected and still holds; the set is emptied. */
  takeClaimed(): string[]
  /** Asks `fetch` for the native list, unless no callback has said yes yet (spec 6.23.9). */
  refresh(fetch: () => Promise<BluetoothDevice[]>): Promise<readonly BluetoothDevice[]>
}

export function createConnectionTracker(): ConnectionTracker {
  const connectedIds = shallowRef<readonly string[]>([])
  const connectedDevices = shallowRef<readonly BluetoothDevice[]>([])
  const claimed = new Set<string>()
  let sawConnected = false

  function set(id: string, on: boolean) {
    if (on) sawConnected = true
    const has = connectedIds.value.includes(id)
    if (on && !has) connectedIds.value = [...connectedIds.value, id]
    if (!on && has) connectedIds.value = connectedIds.value.filter((d) => d !== id)
    if (!on) {
      claimed.delete(id)
      connectedDevices.value = connectedDevices.value.filter((d) => d.deviceId !== id)
    }
  }

  return {
    connectedIds,
    connectedDevices,
    set,
    dropAll() {
      for (const id of connectedIds.value) set(id, false)
    },
    claim: (id) => void claimed.add(id),
    unclaim: (id) => void claimed.delete(id),
    takeClaimed() {
      const ids = [...claimed]
      claimed.clear()
      return ids
    },
    async refresh(fetch) {
      if (!sawConnected) return connectedDevices.value
      connectedDevices.value = await fetch()
      return connectedDevices.value
    },
  }
}
