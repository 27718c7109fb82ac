import { UpsdkError } from '../errors'
import { hexToBytes, toHex } from './hex'
import type {
  BleCharacteristic,
  BleCharacteristicValue,
  BleConnectionState,
  BleService,
  BluetoothAdapterState,
  BluetoothAdapterStateChange,
  BluetoothAdapterStateName,
  BluetoothDevice,
} from './types'

function bad(method: string, what: string, raw: unknown): UpsdkError {
  return new UpsdkError('bad_answer', `${method} 的应答格式不正确：${what}`, 'native', raw, method)
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}

/** Some native builds answer a JSON string instead of an object. */
function parseMaybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v
  const t = v.trim()
  if (!t.startsWith('{') && !t.startsWith('[')) return v
  try {
    return JSON.parse(t) as unknown
  } catch {
    return v
  }
}

/** The spec's "yes"/"no" strings, any case; booleans and 1/0 are tolerated. */
export function yesNo(v: unknown, field: string, method: string, raw: unknown = v): boolean {
  if (typeof v === 'boolean') return v
  if (v === 1 || v === 0) return v === 1
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase()
    if (s === 'yes' || s === 'true' || s === '1') return true
    if (s === 'no' || s === 'false' || s === '0') return false
  }
  throw bad(method, `${field} 应为 yes/no，实际为 ${JSON.stringify(v)}`, raw)
}

function optionalYesNo(v: unknown, field: string, method: string, raw: unknown): boolean {
  return v === undefined || v === null || v === '' ? false : yesNo(v, field, method, raw)
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v
  if (typeof v === 'number') return String(v)
  return undefined
}

export function normalizeOpenAdapter(answer: unknown, method = 'openBluetoothAdapter'): { supported: boolean } {
  const o = asObject(parseMaybeJson(answer))
  if (!o || !('isSupportBLE' in o)) throw bad(method, '缺少 isSupportBLE', answer)
  return { supported: yesNo(o.isSupportBLE, 'isSupportBLE', method, answer) }
}

export function normalizeAdapterState(answer: unknown, method = 'getBluetoothAdapterState'): BluetoothAdapterState {
  const o = asObject(parseMaybeJson(answer))
  if (!o) throw bad(method, '不是对象', answer)
  return {
    available: yesNo(o.available, 'available', method, answer),
    discovering: optionalYesNo(o.discovering, 'discovering', method, answer),
  }
}

export function normalizeDevice(v: unknown, method: string): BluetoothDevice {
  const o = asObject(v)
  const deviceId = o && str(o.deviceId)
  if (!o || !deviceId) throw bad(method, '设备缺少 deviceId', v)
  const rssiRaw = o.RSSI ?? o.rssi
  const rssi =
    typeof rssiRaw === 'number' ? rssiRaw : typeof rssiRaw === 'string' && rssiRaw.trim() !== '' ? Number(rssiRaw) : NaN
  const uuids = Array.isArray(o.advertisServiceUUIDs)
    ? o.advertisServiceUUIDs.filter((u): u is string => typeof u === 'string')
    : []
  const device: BluetoothDevice = {
    deviceId,
    name: str(o.name) ?? str(o.localName) ?? '',
    rssi: Number.isFinite(rssi) ? rssi : undefined,
    advertisServiceUUIDs: uuids,
  }
  if (typeof o.advertisData === 'string' && o.advertisData !== '') {
    try {
      device.advertisData = toHex(o.advertisData)
    } catch {
      // advertising data in another encoding: not worth failing the whole device over
    }
  }
  return device
}

/** `{devices:[...]}`, a bare array, or (in events) one device. */
export function normalizeDeviceList(answer: unknown, method: string): BluetoothDevice[] {
  const parsed = parseMaybeJson(answer)
  const o = asObject(parsed)
  const list = Array.isArray(parsed)
    ? parsed
    : o && Array.isArray(o.devices)
      ? o.devices
      : o && 'deviceId' in o
        ? [o]
        : undefined
  if (!list) throw bad(method, '缺少 devices 列表', answer)
  return list.map((d) => normalizeDevice(parseMaybeJson(d), method))
}

export function normalizeServices(answer: unknown, method = 'getBLEDeviceServices'): BleService[] {
  const o = asObject(parseMaybeJson(answer))
  if (!o || !Array.isArray(o.services)) throw bad(method, '缺少 services 列表', answer)
  return o.services.map((s) => {
    const so = asObject(s)
    const uuid = so && (str(so.uuid) ?? str(so.serviceId))
    if (!so || !uuid) throw bad(method, '服务缺少 uuid', answer)
    return { uuid, isPrimary: so.isPrimary === undefined ? true : yesNo(so.isPrimary, 'isPrimary', method, answer) }
  })
}

export function normalizeCharacteristics(answer: unknown, method = 'getBLEDeviceCharacteristics'): BleCharacteristic[] {
  const o = asObject(parseMaybeJson(answer))
  if (!o || !Array.isArray(o.characteristics)) throw bad(method, '缺少 characteristics 列表', answer)
  return o.characteristics.map((c) => {
    const co = asObject(c)
    const uuid = co && (str(co.uuid) ?? str(co.characteristicId))
    if (!co || !uuid) throw bad(method, '特征值缺少 uuid', answer)
    const p = asObject(co.properties) ?? {}
    return {
      uuid,
      properties: {
        read: optionalYesNo(p.read, 'properties.read', method, answer),
        write: optionalYesNo(p.write, 'properties.write', method, answer),
        notify: optionalYesNo(p.notify, 'properties.notify', method, answer),
        indicate: optionalYesNo(p.indicate, 'properties.indicate', method, answer),
      },
    }
  })
}

/** A characteristic value: `{characteristic:{...}}` from a read, or the bare object from an event. */
export function normalizeCharacteristicValue(answer: unknown, method: string): BleCharacteristicValue {
  const outer = asObject(parseMaybeJson(answer))
  const o = asObject(parseMaybeJson(outer?.characteristic)) ?? outer
  const serviceId = o && str(o.serviceId)
  const characteristicId = o && str(o.characteristicId)
  if (!o || !serviceId || !characteristicId) throw bad(method, '缺少 serviceId/characteristicId', answer)
  if (typeof o.value !== 'string') throw bad(method, '缺少 value', answer)
  let value: string
  try {
    value = toHex(o.value)
  } catch {
    throw bad(method, `value 不是十六进制：${o.value}`, answer)
  }
  const out: BleCharacteristicValue = { serviceId, characteristicId, value, bytes: hexToBytes(value) }
  const deviceId = str(o.deviceId)
  if (deviceId) out.deviceId = deviceId
  return out
}

export function normalizeConnectionState(detail: unknown, method = 'BLEConnectionStateChange'): BleConnectionState {
  const o = asObject(parseMaybeJson(detail))
  const deviceId = o && str(o.deviceId)
  if (!o || !deviceId) throw bad(method, '缺少 deviceId', detail)
  return { deviceId, connected: yesNo(o.connected, 'connected', method, detail) }
}

const STATE_NAMES: Record<string, BluetoothAdapterStateName> = {
  poweredon: 'poweredOn',
  on: 'poweredOn',
  yes: 'poweredOn',
  available: 'poweredOn',
  poweredoff: 'poweredOff',
  off: 'poweredOff',
  no: 'poweredOff',
  unauthorized: 'unauthorized',
  unsupported: 'unsupported',
  resetting: 'resetting',
  uninitialized: 'uninitialized',
  uninitialised: 'uninitialized',
}

/**
 * `{state}` of BluetoothAdapterStateChange. The seed's table of state values is an image that
 * did not survive, so the common names are mapped and anything else is `unknown` (raw kept).
 * `{available:'yes'|'no'}` is accepted as well.
 */
export function normalizeAdapterStateChange(detail: unknown): BluetoothAdapterStateChange {
  const o = asObject(parseMaybeJson(detail))
  let state: BluetoothAdapterStateName = 'unknown'
  if (o && (typeof o.state === 'string' || typeof o.state === 'number')) {
    state = STATE_NAMES[String(o.state).trim().toLowerCase()] ?? 'unknown'
  } else if (o && o.available !== undefined) {
    state = yesNo(o.available, 'available', 'BluetoothAdapterStateChange', detail) ? 'poweredOn' : 'poweredOff'
  } else {
    throw bad('BluetoothAdapterStateChange', '缺少 state', detail)
  }
  return { state, available: state === 'poweredOn', raw: detail }
}
