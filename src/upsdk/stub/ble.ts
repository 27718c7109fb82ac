import type { StubHost, StubReply } from './host'

/** Full 128-bit form of a 16-bit Bluetooth SIG UUID. */
export const sigUuid = (short: string): string => `0000${short.toUpperCase()}-0000-1000-8000-00805F9B34FB`

export const HEART_RATE = {
  deviceId: 'AA:BB:CC:00:18:0D',
  name: 'UP-HeartRate',
  service: sigUuid('180D'),
  measurement: sigUuid('2A37'),
  sensorLocation: sigUuid('2A38'),
  batteryService: sigUuid('180F'),
  batteryLevel: sigUuid('2A19'),
} as const

/**
 * The door lock's protocol: write one command byte to `command`; the answer appears on
 * `status` (readable, and notified when notify is on): `A0 <cmd> <state>` where state is
 * 00 locked / 01 unlocked; an unknown command answers `EE <cmd>`.
 * Commands: 01 unlock, 02 lock, 03 query.
 */
export const DOOR_LOCK = {
  deviceId: 'AA:BB:CC:00:FF:F0',
  name: 'UP-DoorLock',
  service: sigUuid('FFF0'),
  command: sigUuid('FFF1'),
  status: sigUuid('FFF2'),
} as const

export const BEACON = { deviceId: 'AA:BB:CC:00:00:BE', name: 'UP-Beacon' } as const

export interface SimCharacteristicSpec {
  uuid: string
  properties: { read?: boolean; write?: boolean; notify?: boolean; indicate?: boolean }
  /** Upper-case hex. @default '' */
  value?: string
  /** Runs after a successful write with the written hex. */
  onWrite?: (value: string, device: SimDeviceControl) => void
}

export interface SimServiceSpec {
  uuid: string
  isPrimary?: boolean
  characteristics: SimCharacteristicSpec[]
}

export interface SimDeviceSpec {
  deviceId: string
  name: string
  /** @default -60 */
  rssi?: number
  services?: SimServiceSpec[]
  /** @default the primary service UUIDs */
  advertisServiceUUIDs?: string[]
  /** Whether discovery can see it. @default true */
  inRange?: boolean
  /** @default true */
  connectable?: boolean
}

/** What a characteristic's `onWrite` may do to its device. */
export interface SimDeviceControl {
  /** Sets a characteristic's value and notifies it when notify is on. */
  setValue(serviceId: string, characteristicId: string, hex: string): void
  getValue(serviceId: string, characteristicId: string): string | undefined
}

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

const ERR = {
  notInit: { code: '10000', msg: '未初始化蓝牙适配器' },
  off: { code: '10001', msg: '当前蓝牙适配器不可用' },
  noDevice: { code: '10002', msg: '没有找到指定设备' },
  connectFail: { code: '10003', msg: '连接失败' },
  noService: { code: '10004', msg: '没有找到指定服务' },
  noChar: { code: '10005', msg: '没有找到指定特征值' },
  noConnection: { code: '10006', msg: '当前连接已断开' },
  property: { code: '10007', msg: '当前特征值不支持此操作' },
  badParam: { code: '10013', msg: '参数不合法' },
} satisfies Record<string, NativeError>

interface SimChar {
  uuid: string
  properties: { read: boolean; write: boolean; notify: boolean; indicate: boolean }
  value: string
  onWrite?: SimCharacteristicSpec['onWrite']
}
interface SimService {
  uuid: string
  isPrimary: boolean
  chars: Map<string, SimChar>
}
interface SimDevice {
  deviceId: string
  name: string
  rssi: number
  baseRssi: number
  advertisServiceUUIDs: string[]
  inRange: boolean
  connectable: boolean
  services: Map<string, SimService>
}

const up = (s: string) => s.toUpperCase()
const HEX = /^(?:[0-9A-F]{2})+$/

function lockSpec(): SimDeviceSpec {
  let locked = true
  return {
    deviceId: DOOR_LOCK.deviceId,
    name: DOOR_LOCK.name,
    rssi: -55,
    services: [
      {
        uuid: DOOR_LOCK.service,
        characteristics: [
          {
            uuid: DOOR_LOCK.command,
            properties: { write: true },
            onWrite(value, dev) {
              const cmd = value.slice(0, 2)
              if (cmd === '01') locked = false
              else if (cmd === '02') locked = true
              const answer = cmd === '01' || cmd === '02' || cmd === '03' ? `A0${cmd}${locked ? '00' : '01'}` : `EE${cmd || '00'}`
              dev.setValue(DOOR_LOCK.service, DOOR_LOCK.status, answer)
            },
          },
          { uuid: DOOR_LOCK.status, properties: { read: true, notify: true }, value: 'A00300' },
        ],
      },
    ],
  }
}

function heartRateSpec(): SimDeviceSpec {
  return {
    deviceId: HEART_RATE.deviceId,
    name: HEART_RATE.name,
    rssi: -62,
    services: [
      {
        uuid: HEART_RATE.service,
        characteristics: [
          { uuid: HEART_RATE.measurement, properties: { notify: true }, value: '0048' },
          { uuid: HEART_RATE.sensorLocation, properties: { read: true }, value: '01' },
        ],
      },
      { uuid: HEART_RATE.batteryService, characteristics: [{ uuid: HEART_RATE.batteryLevel, properties: { read: true, notify: true }, value: '5A' }] },
    ],
  }
}

function beaconSpec(): SimDeviceSpec {
  return { deviceId: BEACON.deviceId, name: BEACON.name, rssi: -84, connectable: false, advertisServiceUUIDs: [sigUuid('FEAA')] }
}

function toDevice(spec: SimDeviceSpec): SimDevice {
  const services = new Map<string, SimService>()
  for (const s of spec.services ?? []) {
    const chars = new Map<string, SimChar>()
    for (const c of s.characteristics) {
      chars.set(up(c.uuid), {
        uuid: up(c.uuid),
        properties: { read: !!c.properties.read, write: !!c.properties.write, notify: !!c.properties.notify, indicate: !!c.properties.indicate },
        value: up(c.value ?? ''),
        onWrite: c.onWrite,
      })
    }
    services.set(up(s.uuid), { uuid: up(s.uuid), isPrimary: s.isPrimary ?? true, chars })
  }
  const rssi = spec.rssi ?? -60
  return {
    deviceId: spec.deviceId,
    name: spec.name,
    rssi,
    baseRssi: rssi,
    advertisServiceUUIDs: spec.advertisServiceUUIDs ?? [...services.values()].filter((s) => s.isPrimary).map((s) => s.uuid),
    inRange: spec.inRange ?? true,
    connectable: spec.connectable ?? true,
    services,
  }
}

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

  function emitIf(registration: string, event: string, detail: unknown) {
    if (registrations.has(registration)) host.emit(event, detail)
  }

  function deviceJson(d: SimDevice) {
    return { deviceId: d.deviceId, name: d.name, localName: d.name, RSSI: d.rssi, advertisServiceUUIDs: [...d.advertisServiceUUIDs] }
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
      emitIf('value', 'BLECharacteristicValueChange', { deviceId, serviceId: up(serviceId), characteristicId: up(charId), value: c.value })
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
    const on = connected.has(HEART_RATE.deviceId) && notifying.has(key(HEART_RATE.deviceId, HEART_RATE.service, HEART_RATE.measurement))
    if (on && !hrTimer) {
      hrTimer = setInterval(() => {
        bpm = Math.max(50, Math.min(180, bpm + Math.round((Math.random() - 0.5) * 4)))
        if (devices.has(HEART_RATE.deviceId)) setValue(HEART_RATE.deviceId, HEART_RATE.service, HEART_RATE.measurement, `00${bpm.toString(16).padStart(2, '0')}`)
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
  function define(method: string, needs: 'nothing' | 'init' | 'radio', fn: (p: Record<string, unknown>, reply: StubReply) => void) {
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

  function characteristic(p: Record<string, unknown>, reply: StubReply): { d: SimDevice; c: SimChar; s: SimService } | undefined {
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
  define('getBluetoothAdapterState', 'init', (_p, reply) => reply.success({ available: yn(adapterOn), discovering: yn(discovering) }))
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
    reply.success({ devices: [...seen].flatMap((id) => (devices.get(id) ? [deviceJson(devices.get(id) as SimDevice)] : [])) }),
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
    if (d) reply.success({ services: [...d.services.values()].map((s) => ({ uuid: s.uuid, isPrimary: yn(s.isPrimary) })) })
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
        properties: { read: yn(c.properties.read), write: yn(c.properties.write), notify: yn(c.properties.notify), indicate: yn(c.properties.indicate) },
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
  // the spelling of the seed's 6.23.12 heading, in case a page copied it
  define('writeBLECharcateristicValue', 'radio', write)
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
    if (!adapterOn && timing.settingsTurnsOnAfter !== null) setTimeout(() => setAdapter(true), timing.settingsTurnsOnAfter)
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
    for (const s of [devices, seen, reportedThisScan, connected, announced, registrations, notifying, failures]) s.clear()
    for (const spec of [heartRateSpec(), lockSpec(), beaconSpec()]) devices.set(spec.deviceId, toDevice(spec))
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
      devices: [...devices.values()].map((d) => ({ deviceId: d.deviceId, name: d.name, rssi: d.rssi, inRange: d.inRange })),
    }),
    reset,
  }
}
