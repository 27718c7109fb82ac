import { normalizeUuid as up } from '../../../bluetooth/uuid'
import type { StubHost } from '../host'
import { demoDevices, HEART_RATE, toDevice, type SimDevice, type SimDeviceControl } from './devices'
import type { NativeError } from './types'

export const yn = (b: boolean) => (b ? 'yes' : 'no')

const DEFAULT_TIMING = { scanIntervalMs: 700, heartRateIntervalMs: 1000, settingsTurnsOnAfter: 300 as number | null }

/** The registrations a page can hold, by listener plugin name. */
export const LISTENERS: readonly (readonly [name: string, registration: string])[] = [
  ['BluetoothDeviceFound', 'found'],
  ['BLEConnectionStateChange', 'connection'],
  ['BLECharacteristicValueChange', 'value'],
  ['BluetoothAdapterStateChange', 'adapter'],
]

/**
 * The simulated phone radio and its peripherals: adapter state, scanning, links, notify
 * subscriptions, the heart-rate sensor's beat, and the events each change sends to the page.
 */
export class SimRadio {
  timing = { ...DEFAULT_TIMING }
  adapterOn = true
  supported = true
  initialized = false
  discovering = false
  readonly devices = new Map<string, SimDevice>()
  /** Devices discovery has reported since the adapter was opened (getBluetoothDevices). */
  readonly seen = new Set<string>()
  readonly connected = new Set<string>()
  /** Devices whose "connected: yes" reached the page: only those are listed by getConnectedBluetoothDevices (spec 6.23.9). */
  readonly announced = new Set<string>()
  readonly registrations = new Set<string>()
  readonly notifying = new Set<string>()
  /** Failures scripted with failNext, per plugin. */
  readonly failures = new Map<string, NativeError>()
  private allowDuplicates = true
  private serviceFilter: string[] | undefined
  private readonly reportedThisScan = new Set<string>()
  private scanTimer: ReturnType<typeof setInterval> | undefined
  private hrTimer: ReturnType<typeof setInterval> | undefined
  private bpm = 72

  constructor(private readonly host: StubHost) {
    this.reset()
  }

  key = (d: string, s: string, c: string) => `${d}|${up(s)}|${up(c)}`

  private emitIf(registration: string, event: string, data: Record<string, unknown>) {
    if (this.registrations.has(registration)) this.host.emit(event, data)
  }

  deviceJson(d: SimDevice) {
    return {
      deviceId: d.deviceId,
      name: d.name,
      localName: d.name,
      RSSI: d.rssi,
      advertisServiceUUIDs: [...d.advertisServiceUUIDs],
    }
  }

  setConnected(deviceId: string, on: boolean, emit: 'now' | 'later' = 'now') {
    if (on === this.connected.has(deviceId)) return
    if (on) this.connected.add(deviceId)
    else {
      this.connected.delete(deviceId)
      this.announced.delete(deviceId)
      for (const k of [...this.notifying]) if (k.startsWith(`${deviceId}|`)) this.notifying.delete(k)
    }
    this.syncHeartRate()
    const announce = () => {
      if (!this.registrations.has('connection') || on !== this.connected.has(deviceId)) return
      this.host.emit('BLEConnectionStateChange', { deviceId, connected: yn(on) })
      if (on) this.announced.add(deviceId)
    }
    if (emit === 'now') announce()
    else setTimeout(announce, 0)
  }

  setValue(deviceId: string, serviceId: string, charId: string, hex: string) {
    const c = this.devices.get(deviceId)?.services.get(up(serviceId))?.chars.get(up(charId))
    if (!c) throw new Error(`stub ble: no characteristic ${deviceId} ${serviceId} ${charId}`)
    c.value = up(hex)
    if (this.connected.has(deviceId) && this.notifying.has(this.key(deviceId, serviceId, charId))) {
      this.emitIf('value', 'BLECharacteristicValueChange', {
        deviceId,
        serviceId: up(serviceId),
        characteristicId: up(charId),
        value: c.value,
      })
    }
  }

  /** What a characteristic's `onWrite` may do to its device. */
  control(deviceId: string): SimDeviceControl {
    return {
      setValue: (s, c, hex) => this.setValue(deviceId, s, c, hex),
      getValue: (s, c) => this.devices.get(deviceId)?.services.get(up(s))?.chars.get(up(c))?.value,
    }
  }

  private scanTick() {
    for (const d of this.devices.values()) {
      if (!d.inRange) continue
      if (this.serviceFilter && !d.advertisServiceUUIDs.some((u) => this.serviceFilter?.includes(up(u)))) continue
      d.rssi = Math.max(-100, Math.min(-30, d.baseRssi + Math.round((Math.random() - 0.5) * 8)))
      this.seen.add(d.deviceId)
      if (!this.allowDuplicates && this.reportedThisScan.has(d.deviceId)) continue
      this.reportedThisScan.add(d.deviceId)
      this.emitIf('found', 'BluetoothDeviceFound', { devices: [this.deviceJson(d)] })
    }
  }

  /** Starts (or restarts) discovery with the page's filter; the first report comes almost at once. */
  startScan(serviceFilter: string[] | undefined, allowDuplicates: boolean) {
    this.serviceFilter = serviceFilter
    this.allowDuplicates = allowDuplicates
    this.reportedThisScan.clear()
    this.discovering = true
    if (this.scanTimer) clearInterval(this.scanTimer)
    this.scanTimer = setInterval(() => this.scanTick(), this.timing.scanIntervalMs)
    setTimeout(() => this.discovering && this.scanTick(), 50)
  }

  stopScan() {
    this.discovering = false
    if (this.scanTimer) clearInterval(this.scanTimer)
    this.scanTimer = undefined
  }

  /** The heart-rate sensor beats while it is connected and its measurement is notifying. */
  syncHeartRate() {
    const on =
      this.connected.has(HEART_RATE.deviceId) &&
      this.notifying.has(this.key(HEART_RATE.deviceId, HEART_RATE.service, HEART_RATE.measurement))
    if (on && !this.hrTimer) {
      this.hrTimer = setInterval(() => {
        this.bpm = Math.max(50, Math.min(180, this.bpm + Math.round((Math.random() - 0.5) * 4)))
        if (this.devices.has(HEART_RATE.deviceId))
          this.setValue(
            HEART_RATE.deviceId,
            HEART_RATE.service,
            HEART_RATE.measurement,
            `00${this.bpm.toString(16).padStart(2, '0')}`,
          )
      }, this.timing.heartRateIntervalMs)
    } else if (!on && this.hrTimer) {
      clearInterval(this.hrTimer)
      this.hrTimer = undefined
    }
  }

  setHeartRate(bpm: number) {
    this.bpm = bpm
  }

  /** Drops every link (Bluetooth off, adapter closed). */
  disconnectAll() {
    for (const id of [...this.connected]) this.setConnected(id, false)
  }

  setAdapter(on: boolean) {
    if (on === this.adapterOn) return
    this.adapterOn = on
    if (!on) {
      this.stopScan()
      this.disconnectAll()
    }
    this.emitIf('adapter', 'BluetoothAdapterStateChange', { state: on ? 'poweredOn' : 'poweredOff' })
  }

  /** Back to the initial devices and settings; nothing registered, connected or scanning. */
  reset() {
    this.stopScan()
    if (this.hrTimer) clearInterval(this.hrTimer)
    this.hrTimer = undefined
    this.timing = { ...DEFAULT_TIMING }
    this.adapterOn = true
    this.supported = true
    this.initialized = false
    this.bpm = 72
    for (const s of [
      this.devices,
      this.seen,
      this.reportedThisScan,
      this.connected,
      this.announced,
      this.registrations,
      this.notifying,
      this.failures,
    ])
      s.clear()
    for (const spec of demoDevices()) this.devices.set(spec.deviceId, toDevice(spec))
  }
}
