import {
  computed,
  shallowReadonly,
  shallowRef,
  toValue,
  type ComputedRef,
  type MaybeRefOrGetter,
  type ShallowRef,
} from 'vue'
import {
  BLE_ERROR_MESSAGES,
  connectBLEDevice,
  describeBleError,
  disconnectBLEDevice,
  getBLEDeviceCharacteristics,
  getBLEDeviceServices,
  getConnectedBluetoothDevices,
  isBluetoothOffError,
  notifyBLECharacteristicValueChange,
  openBluetoothAdapter,
  openBluetoothSetting,
  readBLECharacteristicValue,
  resolveUpsdk,
  toHex,
  hexToBytes,
  writeBLECharacteristicValue,
  type BleCharacteristic,
  type BleCharacteristicRef,
  type BleCharacteristicValue,
  type BleService,
  type BluetoothDevice,
  type BytesLike,
} from '@/upsdk/bluetooth'
import { asUpsdkError, UpsdkError } from '@/upsdk/errors'
import type { UpsdkGlobal } from '@/upsdk/types'
import { createConnectionTracker } from './bluetooth/connections'
import type { ScannedDevice } from './bluetooth/deviceList'
import { createDiscovery } from './bluetooth/discovery'
import { createSubscriptionBag, subscribeBleEvents, type BleEventHandlers } from './bluetooth/subscriptions'
import { appendRing } from './shared/ringLog'
import { tryOnScopeDispose } from './shared/scope'

export type { ScannedDevice } from './bluetooth/deviceList'

export interface UseBluetoothOptions {
  /** The upsdk object. @default window.upsdk */
  upsdk?: UpsdkGlobal
  /** Where the native events arrive. @default document */
  target?: EventTarget
  /** Primary service UUIDs to scan for. @default undefined (every device) */
  services?: MaybeRefOrGetter<readonly string[] | undefined>
  /** While scanning, devices not seen for this long are dropped (connected ones stay). @default 10000 */
  staleAfterMs?: number
  /** How many read/write/notify entries `log` keeps. @default 100 */
  logLimit?: number
  /** Per-call timeout. @default 15000 */
  timeoutMs?: number
  /** Clock, for tests. @default Date.now */
  now?: () => number
}

export type BluetoothStatus = 'idle' | 'initializing' | 'ready' | 'off' | 'unsupported' | 'failed'

export interface BleLogEntry extends BleCharacteristicValue {
  deviceId: string
  kind: 'read' | 'write' | 'notify'
  at: number
}

export interface UseBluetoothReturn {
  /** upsdk offers the Bluetooth plugins (checked again on each `init()`, since upsdk loads after setup). */
  isSupported: ComputedRef<boolean>
  status: Readonly<ShallowRef<BluetoothStatus>>
  /** Bluetooth is off: show `describeBleError(error)` and offer `openSettings`. */
  bluetoothOff: ComputedRef<boolean>
  discovering: Readonly<ShallowRef<boolean>>
  /** Scanned devices, one per deviceId, RSSI kept current, stale ones aged out. */
  devices: Readonly<ShallowRef<readonly ScannedDevice[]>>
  /** Devices the connection-state listener reported connected. */
  connectedIds: Readonly<ShallowRef<readonly string[]>>
  /** The native connected list (fetched only after a connection-state callback, as the spec requires). */
  connectedDevices: Readonly<ShallowRef<readonly BluetoothDevice[]>>
  /** Reads, writes and notifications, newest last. */
  log: Readonly<ShallowRef<readonly BleLogEntry[]>>
  /** The last failure; `message` is readable Chinese. */
  error: Readonly<ShallowRef<UpsdkError | null>>
  init(): Promise<boolean>
  startDiscovery(): Promise<void>
  stopDiscovery(): Promise<void>
  connect(deviceId: string): Promise<void>
  disconnect(deviceId: string): Promise<void>
  getServices(deviceId: string): Promise<BleService[]>
  getCharacteristics(deviceId: string, serviceId: string): Promise<BleCharacteristic[]>
  read(ref: BleCharacteristicRef): Promise<BleLogEntry>
  write(ref: BleCharacteristicRef, value: BytesLike): Promise<void>
  notify(ref: BleCharacteristicRef): Promise<void>
  refreshConnected(): Promise<readonly BluetoothDevice[]>
  openSettings(): Promise<void>
  clearLog(): void
  /** Everything `onScopeDispose` does: stop discovery, disconnect what this instance connected, cancel listeners. */
  dispose(): Promise<void>
}

function offError(): UpsdkError {
  return new UpsdkError('10001', BLE_ERROR_MESSAGES['10001'] as string, 'native', undefined, 'openBluetoothAdapter')
}

/** Typed, leak-free Bluetooth for a component: everything it started ends with its scope. */
export function useBluetooth(options: UseBluetoothOptions = {}): UseBluetoothReturn {
  const { target, staleAfterMs = 10_000, logLimit = 100, timeoutMs, now = Date.now } = options
  const upsdk = () => resolveUpsdk(options.upsdk)
  const call = () => ({ upsdk: upsdk(), timeoutMs })
  const listen = () => ({ upsdk: upsdk(), target, timeoutMs })

  // window.upsdk is not reactive and usually appears after setup (loaded by the client): look again on each init()
  const probe = shallowRef(0)
  const isSupported = computed(() => {
    void probe.value
    return typeof upsdk()?.openBluetoothAdapter === 'function'
  })
  const status = shallowRef<BluetoothStatus>('idle')
  const log = shallowRef<readonly BleLogEntry[]>([])
  const error = shallowRef<UpsdkError | null>(null)
  const bluetoothOff = computed(() => status.value === 'off')

  const subscriptions = createSubscriptionBag()
  const connections = createConnectionTracker()
  const discovery = createDiscovery({
    upsdk,
    call,
    listen,
    services: () => toValue(options.services),
    staleAfterMs,
    now,
    connectedIds: () => connections.connectedIds.value,
    closed: () => subscriptions.closed,
  })
  let initPromise: Promise<boolean> | null = null
  let subscribed = false

  function fail(e: unknown): UpsdkError {
    const err = asUpsdkError(e)
    const readable = new UpsdkError(err.code, describeBleError(err), err.source, err.raw, err.method)
    if (isBluetoothOffError(err)) goOff()
    error.value = readable
    return readable
  }

  function pushLog(entry: BleLogEntry) {
    log.value = appendRing(log.value, entry, logLimit)
  }

  function goOff() {
    status.value = 'off'
    discovery.lost()
    connections.dropAll()
    error.value = offError()
  }

  const handlers: BleEventHandlers = {
    adapterState(s) {
      if (!s.available) {
        if (s.state === 'poweredOff' || s.state === 'unauthorized' || s.state === 'unsupported') goOff()
        return
      }
      if (status.value === 'off') {
        // the user switched Bluetooth back on (e.g. from openBluetoothSetting): initialise again
        error.value = null
        status.value = 'idle'
        initPromise = null
        void init()
      }
    },
    connectionState(s) {
      connections.set(s.deviceId, s.connected)
      if (s.connected) void refreshConnected().catch(() => undefined)
    },
    characteristicValue(v) {
      pushLog({ ...v, deviceId: v.deviceId ?? '', kind: 'notify', at: now() })
    },
  }

  function init(): Promise<boolean> {
    probe.value++
    if (subscriptions.closed) return Promise.resolve(false)
    if (!initPromise) {
      initPromise = (async () => {
        status.value = 'initializing'
        try {
          if (!subscribed) {
            subscriptions.cancelAll()
            await subscribeBleEvents(handlers, subscriptions, listen)
            subscribed = true
          }
          const { supported } = await openBluetoothAdapter(call())
          if (!supported) {
            status.value = 'unsupported'
            error.value = new UpsdkError(
              'ble_unsupported',
              '这台手机不支持低功耗蓝牙（BLE）',
              'native',
              undefined,
              'openBluetoothAdapter',
            )
            return false
          }
          status.value = 'ready'
          error.value = null
          return true
        } catch (e) {
          fail(e)
          if ((status.value as BluetoothStatus) !== 'off') status.value = 'failed'
          initPromise = null
          return false
        }
      })()
    }
    return initPromise
  }

  async function ready(): Promise<void> {
    if (!(await init())) throw error.value ?? new UpsdkError('not_initialized', '蓝牙未就绪', 'environment')
  }

  /** Runs a step after init; failures land in `error` (readable) and are rethrown. */
  async function step<T>(fn: () => Promise<T>): Promise<T> {
    await ready()
    try {
      return await fn()
    } catch (e) {
      throw fail(e)
    }
  }

  /** Runs a step that needs no init; failures land in `error` (readable) and are rethrown. */
  async function direct<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      throw fail(e)
    }
  }

  const startDiscovery = () => step(discovery.start)
  const stopDiscovery = () => direct(discovery.stop)

  async function connect(deviceId: string) {
    await step(() => connectBLEDevice({ deviceId }, call()))
    if (subscriptions.closed) await disconnectBLEDevice({ deviceId }, call()).catch(() => undefined)
    else connections.claim(deviceId)
  }

  async function disconnect(deviceId: string) {
    await step(() => disconnectBLEDevice({ deviceId }, call()))
    connections.unclaim(deviceId)
  }

  const refreshConnected = () => connections.refresh(() => step(() => getConnectedBluetoothDevices({}, call())))

  const getServices = (deviceId: string) => step(() => getBLEDeviceServices({ deviceId }, call()))
  const getCharacteristics = (deviceId: string, serviceId: string) =>
    step(() => getBLEDeviceCharacteristics({ deviceId, serviceId }, call()))

  async function read(ref: BleCharacteristicRef): Promise<BleLogEntry> {
    const v = await step(() => readBLECharacteristicValue(ref, call()))
    const entry: BleLogEntry = { ...v, deviceId: ref.deviceId, kind: 'read', at: now() }
    pushLog(entry)
    return entry
  }

  async function write(ref: BleCharacteristicRef, value: BytesLike) {
    const hex = await direct(async () => toHex(value, '写入的数据', 'writeBLECharacteristicValue'))
    await step(() => writeBLECharacteristicValue({ ...ref, value: hex }, call()))
    pushLog({ ...ref, value: hex, bytes: hexToBytes(hex), kind: 'write', at: now() })
  }

  const notify = (ref: BleCharacteristicRef) => step(() => notifyBLECharacteristicValueChange(ref, call()))

  const openSettings = () => direct(() => openBluetoothSetting(call()))

  async function dispose() {
    if (subscriptions.closed) return
    const tasks: Promise<unknown>[] = [discovery.stop()]
    for (const deviceId of connections.takeClaimed()) tasks.push(disconnectBLEDevice({ deviceId }, call()))
    subscriptions.close()
    await Promise.allSettled(tasks)
  }

  tryOnScopeDispose(() => void dispose())

  return {
    isSupported,
    status: shallowReadonly(status),
    bluetoothOff,
    discovering: shallowReadonly(discovery.discovering),
    devices: shallowReadonly(discovery.devices),
    connectedIds: shallowReadonly(connections.connectedIds),
    connectedDevices: shallowReadonly(connections.connectedDevices),
    log: shallowReadonly(log),
    error: shallowReadonly(error),
    init,
    startDiscovery,
    stopDiscovery,
    connect,
    disconnect,
    getServices,
    getCharacteristics,
    read,
    write,
    notify,
    refreshConnected,
    openSettings,
    clearLog: () => void (log.value = []),
    dispose,
  }
}
