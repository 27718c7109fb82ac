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
  onBLECharacteristicValueChange,
  onBLEConnectionStateChange,
  onBluetoothAdapterStateChange,
  onBluetoothDeviceFound,
  openBluetoothAdapter,
  openBluetoothSetting,
  readBLECharacteristicValue,
  resolveUpsdk,
  startBluetoothDevicesDiscovery,
  stopBluetoothDevicesDiscovery,
  toHex,
  hexToBytes,
  writeBLECharacteristicValue,
  type BleCharacteristic,
  type BleCharacteristicRef,
  type BleCharacteristicValue,
  type BleService,
  type BluetoothDevice,
  type BytesLike,
  type Unsubscribe,
} from '@/upsdk/bluetooth'
import { asUpsdkError, UpsdkError } from '@/upsdk/errors'
import type { UpsdkGlobal } from '@/upsdk/types'
import { dropStale, mergeFound, type ScannedDevice } from './bluetooth/deviceList'
import { createHoldCounter } from './shared/holds'
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

/**
 * Discovery is one native state per upsdk, but several components may scan at once: who is
 * scanning, per upsdk object, so that the last one to stop is the one that stops the radio.
 */
const scanners = createHoldCounter()

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
  const discovering = shallowRef(false)
  const devices = shallowRef<readonly ScannedDevice[]>([])
  const connectedIds = shallowRef<readonly string[]>([])
  const connectedDevices = shallowRef<readonly BluetoothDevice[]>([])
  const log = shallowRef<readonly BleLogEntry[]>([])
  const error = shallowRef<UpsdkError | null>(null)
  const bluetoothOff = computed(() => status.value === 'off')

  const unsubs: Unsubscribe[] = []
  let unsubFound: Unsubscribe | null = null
  let ageTimer: ReturnType<typeof setInterval> | undefined
  let initPromise: Promise<boolean> | null = null
  let sawConnectedCallback = false
  let subscribed = false
  let disposed = false
  const me = Symbol('useBluetooth')
  /** Stops discovery unless another instance on the same upsdk is still scanning. */
  function releaseScan(): Promise<void> {
    if (!scanners.release(upsdk(), me)) return Promise.resolve()
    return stopBluetoothDevicesDiscovery({ services: toValue(options.services) }, call())
  }
  /** Devices this instance connected: disconnected on dispose. */
  const ours = new Set<string>()

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

  function setConnected(id: string, on: boolean) {
    const has = connectedIds.value.includes(id)
    if (on && !has) connectedIds.value = [...connectedIds.value, id]
    if (!on && has) connectedIds.value = connectedIds.value.filter((d) => d !== id)
    if (!on) {
      ours.delete(id)
      connectedDevices.value = connectedDevices.value.filter((d) => d.deviceId !== id)
    }
  }

  function goOff() {
    status.value = 'off'
    discovering.value = false
    scanners.release(upsdk(), me)
    stopAging()
    for (const id of connectedIds.value) setConnected(id, false)
    error.value = offError()
  }

  function startAging() {
    stopAging()
    ageTimer = setInterval(
      () => {
        devices.value = dropStale(devices.value, now() - staleAfterMs, connectedIds.value)
      },
      Math.max(250, Math.floor(staleAfterMs / 4)),
    )
  }

  function stopAging() {
    if (ageTimer) clearInterval(ageTimer)
    ageTimer = undefined
  }

  function onFound(found: BluetoothDevice[]) {
    devices.value = mergeFound(devices.value, found, now())
  }

  /** Keeps a subscription until dispose; one that resolves after dispose is dropped at once. */
  function keep(unsub: Unsubscribe): Unsubscribe {
    if (disposed) unsub()
    else unsubs.push(unsub)
    return unsub
  }

  async function subscribeCore() {
    keep(
      await onBluetoothAdapterStateChange((s) => {
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
      }, listen()),
    )
    keep(
      await onBLEConnectionStateChange((s) => {
        setConnected(s.deviceId, s.connected)
        if (s.connected) {
          sawConnectedCallback = true
          void refreshConnected().catch(() => undefined)
        }
      }, listen()),
    )
    keep(
      await onBLECharacteristicValueChange((v) => {
        pushLog({ ...v, deviceId: v.deviceId ?? '', kind: 'notify', at: now() })
      }, listen()),
    )
    subscribed = true
  }

  function init(): Promise<boolean> {
    probe.value++
    if (disposed) return Promise.resolve(false)
    if (!initPromise) {
      initPromise = (async () => {
        status.value = 'initializing'
        try {
          if (!subscribed) {
            for (const u of unsubs.splice(0)) u()
            await subscribeCore()
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

  async function startDiscovery() {
    await step(async () => {
      if (!unsubFound) {
        const unsub = await onBluetoothDeviceFound(onFound, listen())
        if (disposed) return unsub()
        unsubFound = unsub
      }
      await startBluetoothDevicesDiscovery({ services: toValue(options.services), allowDuplicatesKey: true }, call())
      scanners.hold(upsdk(), me)
      discovering.value = true
      startAging()
    })
  }

  async function stopDiscovery() {
    stopAging()
    const unsub = unsubFound
    unsubFound = null
    unsub?.()
    if (!discovering.value) return
    discovering.value = false
    try {
      await releaseScan()
    } catch (e) {
      throw fail(e)
    }
  }

  async function connect(deviceId: string) {
    await step(() => connectBLEDevice({ deviceId }, call()))
    if (disposed) await disconnectBLEDevice({ deviceId }, call()).catch(() => undefined)
    else ours.add(deviceId)
  }

  async function disconnect(deviceId: string) {
    await step(() => disconnectBLEDevice({ deviceId }, call()))
    ours.delete(deviceId)
  }

  async function refreshConnected(): Promise<readonly BluetoothDevice[]> {
    // spec 6.23.9: the native list is only filled after the connection-state callback said "yes"
    if (!sawConnectedCallback) return connectedDevices.value
    connectedDevices.value = await step(() => getConnectedBluetoothDevices({}, call()))
    return connectedDevices.value
  }

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
    let hex: string
    try {
      hex = toHex(value, '写入的数据', 'writeBLECharacteristicValue')
    } catch (e) {
      throw fail(e)
    }
    await step(() => writeBLECharacteristicValue({ ...ref, value: hex }, call()))
    pushLog({ ...ref, value: hex, bytes: hexToBytes(hex), kind: 'write', at: now() })
  }

  const notify = (ref: BleCharacteristicRef) => step(() => notifyBLECharacteristicValueChange(ref, call()))

  async function openSettings() {
    try {
      await openBluetoothSetting(call())
    } catch (e) {
      throw fail(e)
    }
  }

  async function dispose() {
    if (disposed) return
    disposed = true
    const tasks: Promise<unknown>[] = []
    stopAging()
    unsubFound?.()
    unsubFound = null
    if (discovering.value) {
      discovering.value = false
      tasks.push(releaseScan())
    }
    for (const id of ours) tasks.push(disconnectBLEDevice({ deviceId: id }, call()))
    ours.clear()
    for (const u of unsubs.splice(0)) u()
    await Promise.allSettled(tasks)
  }

  tryOnScopeDispose(() => void dispose())

  return {
    isSupported,
    status: shallowReadonly(status),
    bluetoothOff,
    discovering: shallowReadonly(discovering),
    devices: shallowReadonly(devices),
    connectedIds: shallowReadonly(connectedIds),
    connectedDevices: shallowReadonly(connectedDevices),
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
