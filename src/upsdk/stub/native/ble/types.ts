import type { SimDeviceSpec } from './devices'

export interface NativeError {
  code: string
  msg: string
}

export interface BleStubState {
  adapterOn: boolean
  supported: boolean
  initialized: boolean
  discovering: boolean
  connected: string[]
  registrations: string[]
  notifying: string[]
  devices: { deviceId: string; name: string; rssi: number; inRange: boolean }[]
}

/** The scripting handle exposed as `window.__upsdkStub.ble`. */
export type BleStubHandle = {
  /** Turns the phone's Bluetooth on or off (drops connections and discovery when off). */
  setAdapter(on: boolean): void
  /** A phone without BLE: openBluetoothAdapter answers isSupportBLE "no". */
  setSupported(supported: boolean): void
  /** openBluetoothSetting turns Bluetooth on after this many ms (the user flips the switch); null: never. @default 300 */
  setSettingsTurnsOnAfter(ms: number | null): void
  addDevice(spec: SimDeviceSpec): void
  removeDevice(deviceId: string): void
  setInRange(deviceId: string, inRange: boolean): void
  setRssi(deviceId: string, rssi: number): void
  /** The peripheral drops the connection (BLEConnectionStateChange connected "no"). */
  disconnect(deviceId: string): void
  /** Sets a value; notifies it when notify is on for that characteristic. */
  setValue(deviceId: string, serviceId: string, characteristicId: string, hex: string): void
  /** The heart-rate sensor's current bpm (it notifies every heartRateIntervalMs while notify is on). */
  setHeartRate(bpm: number): void
  /** The next call of `method` fails with this native error. */
  failNext(method: string, error: NativeError): void
  setTiming(t: { scanIntervalMs?: number; heartRateIntervalMs?: number }): void
  state(): BleStubState
  /** Back to the initial devices and settings; nothing registered, connected or scanning. */
  reset(): void
}
