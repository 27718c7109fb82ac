import type { UpsdkGlobal } from '../types'

/** Options every Bluetooth function takes (vueuse style: inject the upsdk object in tests). */
export interface BleCallOptions {
  /** The upsdk object. @default window.upsdk */
  upsdk?: UpsdkGlobal
  /** Reject with code `timeout` after this many ms without an answer. @default 15000 */
  timeoutMs?: number
}

export interface BluetoothAdapterState {
  /** Bluetooth is on and usable. */
  available: boolean
  discovering: boolean
}

/** One scanned device, normalised from the native `device` object. */
export interface BluetoothDevice {
  deviceId: string
  /** `name`, else `localName`, else ''. */
  name: string
  /** Signal strength in dBm; undefined when the native side gave none. */
  rssi: number | undefined
  advertisServiceUUIDs: string[]
  /** Advertising data as upper-case hex, when given. */
  advertisData?: string
}

export interface BleService {
  uuid: string
  isPrimary: boolean
}

export interface BleCharacteristicProperties {
  read: boolean
  write: boolean
  notify: boolean
  indicate: boolean
}

export interface BleCharacteristic {
  uuid: string
  properties: BleCharacteristicProperties
}

/** A value read from, or notified by, a characteristic. */
export interface BleCharacteristicValue {
  deviceId?: string
  serviceId: string
  characteristicId: string
  /** Upper-case hex. */
  value: string
  bytes: Uint8Array
}

/** Where a characteristic lives. */
export interface BleCharacteristicRef {
  deviceId: string
  serviceId: string
  characteristicId: string
}

export interface BleConnectionState {
  deviceId: string
  connected: boolean
}

/** The adapter states the kit distinguishes; `unknown` keeps anything else (see `raw`). */
export type BluetoothAdapterStateName =
  'poweredOn' | 'poweredOff' | 'unauthorized' | 'unsupported' | 'resetting' | 'uninitialized' | 'unknown'

export interface BluetoothAdapterStateChange {
  state: BluetoothAdapterStateName
  /** True only for `poweredOn`. */
  available: boolean
  raw: unknown
}

export type Unsubscribe = () => void

export interface DiscoveryOptions {
  /** Primary service UUIDs to filter on; omitted when empty. */
  services?: readonly string[]
  /** Report the same device repeatedly (needed for live RSSI); omitted when undefined. */
  allowDuplicatesKey?: boolean
}
