import { shallowRef, type ShallowRef } from 'vue'
import {
  onBluetoothDeviceFound,
  startBluetoothDevicesDiscovery,
  stopBluetoothDevicesDiscovery,
  type BleCallOptions,
  type BleListenOptions,
  type Unsubscribe,
} from '@/upsdk/bluetooth'
import type { UpsdkGlobal } from '@/upsdk/types'
import { createHoldCounter } from '../shared/holds'
import { dropStale, mergeFound, type ScannedDevice } from './deviceList'

/**
 * Discovery is one native state per upsdk, but several components may scan at once: who is
 * scanning, per upsdk object, so that the last one to stop is the one that stops the radio.
 */
const scanners = createHoldCounter()

export interface DiscoveryDeps {
  upsdk: () => UpsdkGlobal | undefined
  call: () => BleCallOptions
  listen: () => BleListenOptions
  /** Primary service UUIDs to scan for. */
  services: () => readonly string[] | undefined
  /** Devices not seen for this long are dropped (connected ones stay). */
  staleAfterMs: number
  now: () => number
  connectedIds: () => readonly string[]
  /** The owner has ended: a device listener that resolves now is cancelled at once. */
  closed: () => boolean
}

/** One owner's scan: the device list with live RSSI and aging, and its share of the native discovery. */
export interface Discovery {
  discovering: ShallowRef<boolean>
  devices: ShallowRef<readonly ScannedDevice[]>
  start(): Promise<void>
  /** Stops listening, and the native discovery unless another owner on the same upsdk still scans. */
  stop(): Promise<void>
  /** Bluetooth went off: the native scan ended with it. */
  lost(): void
}

export function createDiscovery(o: DiscoveryDeps): Discovery {
  const me = Symbol('discovery')
  const discovering = shallowRef(false)
  const devices = shallowRef<readonly ScannedDevice[]>([])
  let unsubFound: Unsubscribe | null = null
  let ageTimer: ReturnType<typeof setInterval> | undefined

  function startAging() {
    stopAging()
    ageTimer = setInterval(
      () => {
        devices.value = dropStale(devices.value, o.now() - o.staleAfterMs, o.connectedIds())
      },
      Math.max(250, Math.floor(o.staleAfterMs / 4)),
    )
  }

  function stopAging() {
    if (ageTimer) clearInterval(ageTimer)
    ageTimer = undefined
  }

  async function start() {
    if (!unsubFound) {
      const unsub = await onBluetoothDeviceFound((found) => {
        devices.value = mergeFound(devices.value, found, o.now())
      }, o.listen())
      if (o.closed()) return unsub()
      unsubFound = unsub
    }
    await startBluetoothDevicesDiscovery({ services: o.services(), allowDuplicatesKey: true }, o.call())
    scanners.hold(o.upsdk(), me)
    discovering.value = true
    startAging()
  }

  async function stop() {
    stopAging()
    const unsub = unsubFound
    unsubFound = null
    unsub?.()
    if (!discovering.value) return
    discovering.value = false
    if (scanners.release(o.upsdk(), me)) await stopBluetoothDevicesDiscovery({ services: o.services() }, o.call())
  }

  function lost() {
    discovering.value = false
    scanners.release(o.upsdk(), me)
    stopAging()
  }

  return { discovering, devices, start, stop, lost }
}
