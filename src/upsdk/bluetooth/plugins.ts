import { callUpsdk, resolveUpsdk } from '../call'
import { validationError } from './errors'
import { toHex, type BytesLike } from './hex'
import {
  normalizeAdapterState,
  normalizeCharacteristics,
  normalizeCharacteristicValue,
  normalizeDeviceList,
  normalizeOpenAdapter,
  normalizeServices,
} from './normalize'
import type {
  BleCallOptions,
  BleCharacteristic,
  BleCharacteristicRef,
  BleCharacteristicValue,
  BleService,
  BluetoothAdapterState,
  BluetoothDevice,
  DiscoveryOptions,
} from './types'

export { resolveUpsdk }

function call<T>(method: string, params: Record<string, unknown>, o: BleCallOptions): Promise<T> {
  return callUpsdk<T>(method, params, { upsdk: resolveUpsdk(o.upsdk), timeoutMs: o.timeoutMs })
}

function required(method: string, params: object, names: readonly string[]): void {
  for (const n of names) {
    const v = (params as Record<string, unknown>)[n]
    if (typeof v !== 'string' || v.trim() === '') throw validationError(method, `${method} 缺少必填参数 ${n}`, params)
  }
}

function yn(v: boolean | undefined): 'yes' | 'no' | undefined {
  return v === undefined ? undefined : v ? 'yes' : 'no'
}

function services(v: readonly string[] | undefined): string[] | undefined {
  const list = v?.filter((s) => s.trim() !== '')
  return list && list.length ? [...list] : undefined
}

const none = {}

/** 6.23.1 初始化蓝牙. `supported` is false when the phone has no BLE. */
export async function openBluetoothAdapter(o: BleCallOptions = none): Promise<{ supported: boolean }> {
  return normalizeOpenAdapter(await call('openBluetoothAdapter', {}, o))
}

/** 6.23.2 关闭蓝牙 */
export async function closeBluetoothAdapter(o: BleCallOptions = none): Promise<void> {
  await call('closeBluetoothAdapter', {}, o)
}

/** 6.23.3 获取蓝牙状态 */
export async function getBluetoothAdapterState(o: BleCallOptions = none): Promise<BluetoothAdapterState> {
  return normalizeAdapterState(await call('getBluetoothAdapterState', {}, o))
}

function discoveryParams(d: DiscoveryOptions): Record<string, unknown> {
  return { services: services(d.services), allowDuplicatesKey: yn(d.allowDuplicatesKey) }
}

/** 6.23.4 开始扫描; optional fields are not sent when unset. */
export async function startBluetoothDevicesDiscovery(
  d: DiscoveryOptions = {},
  o: BleCallOptions = none,
): Promise<void> {
  await call('startBluetoothDevicesDiscovery', discoveryParams(d), o)
}

/** 6.23.5 停止扫描 */
export async function stopBluetoothDevicesDiscovery(d: DiscoveryOptions = {}, o: BleCallOptions = none): Promise<void> {
  await call('stopBluetoothDevicesDiscovery', discoveryParams(d), o)
}

/** 6.23.6 已扫描到的设备 */
export async function getBluetoothDevices(o: BleCallOptions = none): Promise<BluetoothDevice[]> {
  return normalizeDeviceList(await call('getBluetoothDevices', {}, o), 'getBluetoothDevices')
}

/** 6.23.7 连接 */
export async function connectBLEDevice(p: { deviceId: string }, o: BleCallOptions = none): Promise<void> {
  required('connectBLEDevice', p, ['deviceId'])
  await call('connectBLEDevice', { deviceId: p.deviceId }, o)
}

/** 6.23.8 断开 */
export async function disconnectBLEDevice(p: { deviceId: string }, o: BleCallOptions = none): Promise<void> {
  required('disconnectBLEDevice', p, ['deviceId'])
  await call('disconnectBLEDevice', { deviceId: p.deviceId }, o)
}

/**
 * 6.23.9 已连接的设备. The native side lists a device only after the connection-state
 * listener reported it connected (`useBluetooth` takes care of that order).
 */
export async function getConnectedBluetoothDevices(
  p: { services?: readonly string[] } = {},
  o: BleCallOptions = none,
): Promise<BluetoothDevice[]> {
  return normalizeDeviceList(
    await call('getConnectedBluetoothDevices', { services: services(p.services) }, o),
    'getConnectedBluetoothDevices',
  )
}

/** 6.23.10 服务列表 */
export async function getBLEDeviceServices(p: { deviceId: string }, o: BleCallOptions = none): Promise<BleService[]> {
  required('getBLEDeviceServices', p, ['deviceId'])
  return normalizeServices(await call('getBLEDeviceServices', { deviceId: p.deviceId }, o))
}

/** 6.23.11 特征值列表 */
export async function getBLEDeviceCharacteristics(
  p: { deviceId: string; serviceId: string },
  o: BleCallOptions = none,
): Promise<BleCharacteristic[]> {
  required('getBLEDeviceCharacteristics', p, ['deviceId', 'serviceId'])
  return normalizeCharacteristics(
    await call('getBLEDeviceCharacteristics', { deviceId: p.deviceId, serviceId: p.serviceId }, o),
  )
}

const CHAR_FIELDS = ['deviceId', 'serviceId', 'characteristicId'] as const

function ref(p: BleCharacteristicRef) {
  return { deviceId: p.deviceId, serviceId: p.serviceId, characteristicId: p.characteristicId }
}

/**
 * 6.23.12 写数据. The value is sent as upper-case hex. The heading's `writeBLECharcateristicValue`
 * is a typo that no real upsdk.js build has (UPSDK.md "Names").
 */
export async function writeBLECharacteristicValue(
  p: BleCharacteristicRef & { value: BytesLike },
  o: BleCallOptions = none,
): Promise<void> {
  const method = 'writeBLECharacteristicValue'
  required(method, p, CHAR_FIELDS)
  const value = toHex(p.value, 'value', method)
  if (value === '') throw validationError(method, `${method} 缺少必填参数 value`, p)
  await call(method, { ...ref(p), value }, o)
}

/** 6.23.13 读数据 */
export async function readBLECharacteristicValue(
  p: BleCharacteristicRef,
  o: BleCallOptions = none,
): Promise<BleCharacteristicValue> {
  const method = 'readBLECharacteristicValue'
  required(method, p, CHAR_FIELDS)
  const v = normalizeCharacteristicValue(await call(method, ref(p), o), method)
  return { ...v, deviceId: v.deviceId ?? p.deviceId }
}

/** 6.23.14 开启 notify; `state` is a reserved field of the spec, sent as yes/no only when given. */
export async function notifyBLECharacteristicValueChange(
  p: BleCharacteristicRef & { state?: boolean },
  o: BleCallOptions = none,
): Promise<void> {
  required('notifyBLECharacteristicValueChange', p, CHAR_FIELDS)
  await call('notifyBLECharacteristicValueChange', { ...ref(p), state: yn(p.state) }, o)
}

/**
 * 6.23.15–22: the raw register/cancel pairs. Prefer the subscription helpers in
 * `./listeners`, which share one native registration between many subscribers.
 */
export const registerBluetoothDeviceFound = (o: BleCallOptions = none) =>
  call<unknown>('registerBluetoothDeviceFound', {}, o).then(() => undefined)
export const cancelBluetoothDeviceFound = (o: BleCallOptions = none) =>
  call<unknown>('cancelBluetoothDeviceFound', {}, o).then(() => undefined)
export const registerBLEConnectionStateChange = (o: BleCallOptions = none) =>
  call<unknown>('registerBLEConnectionStateChange', {}, o).then(() => undefined)
export const cancelBLEConnectionStateChange = (o: BleCallOptions = none) =>
  call<unknown>('cancelBLEConnectionStateChange', {}, o).then(() => undefined)
export const registerBLECharacteristicValueChange = (o: BleCallOptions = none) =>
  call<unknown>('registerBLECharacteristicValueChange', {}, o).then(() => undefined)
export const cancelBLECharacteristicValueChange = (o: BleCallOptions = none) =>
  call<unknown>('cancelBLECharacteristicValueChange', {}, o).then(() => undefined)
export const registerBluetoothAdapterStateChange = (o: BleCallOptions = none) =>
  call<unknown>('registerBluetoothAdapterStateChange', {}, o).then(() => undefined)
export const cancelBluetoothAdapterStateChange = (o: BleCallOptions = none) =>
  call<unknown>('cancelBluetoothAdapterStateChange', {}, o).then(() => undefined)

/** 6.23.23 跳转到系统蓝牙设置 */
export async function openBluetoothSetting(o: BleCallOptions = none): Promise<void> {
  await call('openBluetoothSetting', {}, o)
}
