import { normalizeUuid as up } from '../../../bluetooth/uuid'
import type { StubHost, StubReply } from '../host'
import {
  demoDevices,
  HEART_RATE,
  toDevice,
  type SimChar,
  type SimDevice,
  type SimDeviceControl,
  type SimService,
} from './devices'
import { ERR } from './errors'
import type { BleStubHandle, NativeError } from './types'

export {
  BEACON,
  DOOR_LOCK,
  HEART_RATE,
  type SimCharacteristicSpec,
  type SimDeviceControl,
  type SimDeviceSpec,
  type SimServiceSpec,
} from './devices'
export type { BleStubHandle, BleStubState, NativeError } from './types'

const HEX = /^(?:[0-9A-F]{2})+$/
const yn = (b: boolean) => (b ? 'yes' : 'no')
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined)

/** Simulated BLE adapter and peripherals behind the 23 Bluetooth plugins (seed 6.23). */
export function installBle(host: StubHost): BleStubHandle {
  const defaults = { scanIntervalMs: 700, heartRateIntervalMs: 1000, settingsTurnsOnAfter: 300 as number | null }
  let timing = { ...defaults }
  let adapterOn = true
  let supported = true
  let initialized = false
  let discovering = false
  let allowDuplicates = true
  let serviceFilter: string[] | undefined
  let scanTimer: ReturnType<typeof setInterval> | undefined
  let hrTimer: ReturnType<typeof setInterval> | undefined
  let bpm = 72
  const devices = new Map<string, SimDevice>()
  const seen = new Set<string>()
  const reportedThisScan = new Set<string>()
  const connected = new Set<string>()
  /** Devices whose "connected: yes" reached the page: only those are listed by getConnectedBluetoothDevices (spec 6.23.9). */
  const announced = new Set<string>()
  const registrations = new Set<string>()
  const notifying = new Set<string>()
  const failures = new Map<string, NativeError>()

  const key = (d: string, s: string, c: string) => `${d}|${up(s)}|${up(c)}`

  function emitIf(registration: string, event: string, data: Record<string, unknown>) {
    if (registrations.has(registration)) host.emit(event, data)
  }

  function deviceJson(d: SimDevice) {
    return {
      deviceId: d.deviceId,
      name: d.name,
      localName: d.name,
      RSSI: d.rssi,
      advertisServiceUUIDs: [...d.advertisServiceUUIDs],
    }
  }

  function setConnected(deviceId: string, on: boolean, emit: 'now' | 'later' = 'now') {
    if (on === connected.has(deviceId)) return
    if (on) connected.add(deviceId)
    else {
      connected.delete(deviceId)
      announced.delete(deviceId)
      for (const k of [...notifying]) if (k.startsWith(`${deviceId}|`)) notifying.delete(k)
    }
    syncHeartRate()
    const announce = () => {
      if (!registrations.has('connection') || on !== connected.has(deviceId)) return
      host.emit('BLEConnectionStateChange', { deviceId, connected: yn(on) })
      if (on) announced.add(deviceId)
    }
    if (emit === 'now') announce()
    else setTimeout(announce, 0)
  }

  function setValue(deviceId: string, serviceId: string, charId: string, hex: string) {
    const c = devices.get(deviceId)?.services.get(up(serviceId))?.chars.get(up(charId))
    if (!c) throw new Error(`stub ble: no characteristic ${deviceId} ${serviceId} ${charId}`)
    c.value = up(hex)
    if (connected.has(deviceId) && notifying.has(key(deviceId, serviceId, charId))) {
      emitIf('value', 'BLECharacteristicValueChange', {
        deviceId,
        serviceId: up(serviceId),
        characteristicId: up(charId),
        value: c.value,
      })
    }
  }

  const control = (deviceId: string): SimDeviceControl => ({
    setValue: (s, c, hex) => setValue(deviceId, s, c, hex),
    getValue: (s, c) => devices.get(deviceId)?.services.get(up(s))?.chars.get(up(c))?.value,
  })

  function scanTick() {
    for (const d of devices.values()) {
      if (!d.inRange) continue
      if (serviceFilter && !d.advertisServiceUUIDs.some((u) => serviceFilter?.includes(up(u)))) continue
      d.rssi = Math.max(-100, Math.min(-30, d.baseRssi + Math.round((Math.random() - 0.5) * 8)))
      seen.add(d.deviceId)
      if (!allowDuplicates && reportedThisScan.has(d.deviceId)) continue
      reportedThisScan.add(d.deviceId)
      emitIf('found', 'BluetoothDeviceFound', { devices: [deviceJson(d)] })
    }
  }

  function stopScan() {
    discovering = false
    if (scanTimer) clearInterval(scanTimer)
    scanTimer = undefined
  }

  function syncHeartRate() {
    const on =
      connected.has(HEART_RATE.deviceId) &&
      notifying.has(key(HEART_RATE.deviceId, HEART_RATE.service, HEART_RATE.measurement))
    if (on && !hrTimer) {
      hrTimer = setInterval(() => {
        bpm = Math.max(50, Math.min(180, bpm + Math.round((Math.random() - 0.5) * 4)))
        if (devices.has(HEART_RATE.deviceId))
          setValue(
            HEART_RATE.deviceId,
            HEART_RATE.service,
            HEART_RATE.measurement,
            `00${bpm.toString(16).padStart(2, '0')}`,
          )
      }, timing.heartRateIntervalMs)
    } else if (!on && hrTimer) {
      clearInterval(hrTimer)
      hrTimer = undefined
    }
  }

  function setAdapter(on: boolean) {
    if (on === adapterOn) return
    adapterOn = on
    if (!on) {
      stopScan()
      for (const id of [...connected]) setConnected(id, false)
    }
    emitIf('adapter', 'BluetoothAdapterStateChange', { state: on ? 'poweredOn' : 'poweredOff' })
  }

  /** Wraps a handler with the checks every radio operation shares. */
  function define(
    method: string,
    needs: 'nothing' | 'init' | 'radio',
    fn: (p: Record<string, unknown>, reply: StubReply) => void,
  ) {
    host.define(method, (params, reply) => {
      const forced = failures.get(method)
      if (forced) {
        failures.delete(method)
        return reply.fail(forced)
      }
      if (needs !== 'nothing' && !initialized) return reply.fail(ERR.notInit)
      if (needs === 'radio' && !adapterOn) return reply.fail(ERR.off)
      fn(params, reply)
    })
  }

  function connectedDevice(p: Record<string, unknown>, reply: StubReply): SimDevice | undefined {
    const id = str(p.deviceId)
    if (!id) return void reply.fail(ERR.badParam)
    const d = devices.get(id)
    if (!d) return void reply.fail(ERR.noDevice)
    if (!connected.has(id)) return void reply.fail(ERR.noConnection)
    return d
  }

  function characteristic(
    p: Record<string, unknown>,
    reply: StubReply,
  ): { d: SimDevice; c: SimChar; s: SimService } | undefined {
    const d = connectedDevice(p, reply)
    if (!d) return undefined
    const sid = str(p.serviceId)
    const cid = str(p.characteristicId)
    if (!sid || !cid) return void reply.fail(ERR.badParam)
    const s = d.services.get(up(sid))
    if (!s) return void reply.fail(ERR.noService)
    const c = s.chars.get(up(cid))
    if (!c) return void reply.fail(ERR.noChar)
    return { d, c, s }
  }

  function discoveryParams(p: Record<string, unknown>, reply: StubReply): boolean {
    // the spec: optional fields must not be sent when empty
    const badServices = 'services' in p && (!Array.isArray(p.services) || p.services.length === 0)
    const badDuplicates = 'allowDuplicatesKey' in p && !/^(yes|no)$/i.test(String(p.allowDuplicatesKey))
    if (badServices || badDuplicates) reply.fail(ERR.badParam)
    return !badServices && !badDuplicates
  }

  define('openBluetoothAdapter', 'nothing', (_p, reply) => {
    if (!supported) return reply.success({ isSupportBLE: 'no' })
    if (!adapterOn) return reply.fail(ERR.off)
    initialized = true
    reply.success({ isSupportBLE: 'yes' })
  })
  define('closeBluetoothAdapter', 'init', (_p, reply) => {
    stopScan()
    for (const id of [...connected]) setConnected(id, false)
    initialized = false
    seen.clear()
    reply.success()
  })
  define('getBluetoothAdapterState', 'init', (_p, reply) =>
    reply.success({ available: yn(adapterOn), discovering: yn(discovering) }),
  )
  define('startBluetoothDevicesDiscovery', 'radio', (p, reply) => {
    if (!discoveryParams(p, reply)) return
    serviceFilter = Array.isArray(p.services) ? p.services.map((s) => up(String(s))) : undefined
    allowDuplicates = p.allowDuplicatesKey === undefined ? false : /^yes$/i.test(String(p.allowDuplicatesKey))
    reportedThisScan.clear()
    discovering = true
    if (scanTimer) clearInterval(scanTimer)
    scanTimer = setInterval(scanTick, timing.scanIntervalMs)
    setTimeout(() => discovering && scanTick(), 50)
    reply.success()
  })
  define('stopBluetoothDevicesDiscovery', 'init', (p, reply) => {
    if (!discoveryParams(p, reply)) return
    stopScan()
    reply.success()
  })
  define('getBluetoothDevices', 'init', (_p, reply) =>
    reply.success({
      devices: [...seen].flatMap((id) => (devices.get(id) ? [deviceJson(devices.get(id) as SimDevice)] : [])),
    }),
  )
  define('connectBLEDevice', 'radio', (p, reply) => {
    const id = str(p.deviceId)
    if (!id) return reply.fail(ERR.badParam)
    const d = devices.get(id)
    if (!d || !d.inRange) return reply.fail(ERR.noDevice)
    if (!d.connectable) return reply.fail(ERR.connectFail)
    setConnected(id, true, 'later')
    reply.success()
  })
  define('disconnectBLEDevice', 'init', (p, reply) => {
    const id = str(p.deviceId)
    if (!id) return reply.fail(ERR.badParam)
    if (!connected.has(id)) return reply.fail(ERR.noConnection)
    setConnected(id, false, 'later')
    reply.success()
  })
  define('getConnectedBluetoothDevices', 'radio', (p, reply) => {
    if ('services' in p && (!Array.isArray(p.services) || p.services.length === 0)) return reply.fail(ERR.badParam)
    const filter = Array.isArray(p.services) ? p.services.map((s) => up(String(s))) : undefined
    const list = [...announced].flatMap((id) => {
      const d = devices.get(id)
      if (!d || (filter && !filter.some((u) => d.services.has(u)))) return []
      return [deviceJson(d)]
    })
    reply.success({ devices: list })
  })
  define('getBLEDeviceServices', 'radio', (p, reply) => {
    const d = connectedDevice(p, reply)
    if (d)
      reply.success({ services: [...d.services.values()].map((s) => ({ uuid: s.uuid, isPrimary: yn(s.isPrimary) })) })
  })
  define('getBLEDeviceCharacteristics', 'radio', (p, reply) => {
    const d = connectedDevice(p, reply)
    if (!d) return
    const sid = str(p.serviceId)
    if (!sid) return reply.fail(ERR.badParam)
    const s = d.services.get(up(sid))
    if (!s) return reply.fail(ERR.noService)
    reply.success({
      characteristics: [...s.chars.values()].map((c) => ({
        uuid: c.uuid,
        properties: {
          read: yn(c.properties.read),
          write: yn(c.properties.write),
          notify: yn(c.properties.notify),
          indicate: yn(c.properties.indicate),
        },
      })),
    })
  })
  const write = (p: Record<string, unknown>, reply: StubReply) => {
    const t = characteristic(p, reply)
    if (!t) return
    if (!t.c.properties.write) return reply.fail(ERR.property)
    const value = typeof p.value === 'string' ? p.value : ''
    if (!HEX.test(value)) return reply.fail(ERR.badParam)
    t.c.value = value
    reply.success()
    setTimeout(() => t.c.onWrite?.(value, control(t.d.deviceId)), 0)
  }
  define('writeBLECharacteristicValue', 'radio', write)
  define('readBLECharacteristicValue', 'radio', (p, reply) => {
    const t = characteristic(p, reply)
    if (!t) return
    if (!t.c.properties.read) return reply.fail(ERR.property)
    reply.success({ characteristic: { characteristicId: t.c.uuid, serviceId: t.s.uuid, value: t.c.value } })
  })
  define('notifyBLECharacteristicValueChange', 'radio', (p, reply) => {
    const t = characteristic(p, reply)
    if (!t) return
    if (!t.c.properties.notify && !t.c.properties.indicate) return reply.fail(ERR.property)
    notifying.add(key(t.d.deviceId, t.s.uuid, t.c.uuid))
    syncHeartRate()
    reply.success()
  })
  const listeners: [string, string][] = [
    ['BluetoothDeviceFound', 'found'],
    ['BLEConnectionStateChange', 'connection'],
    ['BLECharacteristicValueChange', 'value'],
    ['BluetoothAdapterStateChange', 'adapter'],
  ]
  for (const [name, reg] of listeners) {
    define(`register${name}`, 'nothing', (_p, reply) => {
      registrations.add(reg)
      reply.success()
    })
    define(`cancel${name}`, 'nothing', (_p, reply) => {
      registrations.delete(reg)
      reply.success()
    })
  }
  define('openBluetoothSetting', 'nothing', (_p, reply) => {
    reply.success()
    if (!adapterOn && timing.settingsTurnsOnAfter !== null)
      setTimeout(() => setAdapter(true), timing.settingsTurnsOnAfter)
  })

  function reset() {
    stopScan()
    if (hrTimer) clearInterval(hrTimer)
    hrTimer = undefined
    timing = { ...defaults }
    adapterOn = true
    supported = true
    initialized = false
    bpm = 72
    for (const s of [devices, seen, reportedThisScan, connected, announced, registrations, notifying, failures])
      s.clear()
    for (const spec of demoDevices()) devices.set(spec.deviceId, toDevice(spec))
  }
  reset()

  const must = (id: string) => {
    const d = devices.get(id)
    if (!d) throw new Error(`stub ble: no device ${id}`)
    return d
  }

  return {
    setAdapter,
    setSupported: (s) => void (supported = s),
    setSettingsTurnsOnAfter: (ms) => void (timing.settingsTurnsOnAfter = ms),
    addDevice: (spec) => void devices.set(spec.deviceId, toDevice(spec)),
    removeDevice(id) {
      setConnected(id, false)
      devices.delete(id)
      seen.delete(id)
    },
    setInRange(id, inRange) {
      must(id).inRange = inRange
      if (!inRange) setConnected(id, false)
    },
    setRssi(id, rssi) {
      const d = must(id)
      d.rssi = d.baseRssi = rssi
    },
    disconnect: (id) => setConnected(id, false),
    setValue,
    setHeartRate: (n) => void (bpm = n),
    failNext: (method, error) => void failures.set(method, error),
    setTiming(t) {
      if (t.scanIntervalMs) timing.scanIntervalMs = t.scanIntervalMs
      if (t.heartRateIntervalMs) timing.heartRateIntervalMs = t.heartRateIntervalMs
    },
    state: () => ({
      adapterOn,
      supported,
      initialized,
      discovering,
      connected: [...connected],
      registrations: listeners.filter(([, r]) => registrations.has(r)).map(([n]) => `register${n}`),
      notifying: [...notifying],
      devices: [...devices.values()].map((d) => ({
        deviceId: d.deviceId,
        name: d.name,
        rssi: d.rssi,
        inRange: d.inRange,
      })),
    }),
    reset,
  }
}
