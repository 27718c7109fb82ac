import { afterEach, describe, expect, it } from 'vitest'
import {
  closeBluetoothAdapter,
  connectBLEDevice,
  getBluetoothAdapterState,
  getBLEDeviceServices,
  getConnectedBluetoothDevices,
  onBLECharacteristicValueChange,
  onBLEConnectionStateChange,
  onBluetoothDeviceFound,
  onBluetoothAdapterStateChange,
  openBluetoothAdapter,
  readBLECharacteristicValue,
  startBluetoothDevicesDiscovery,
  writeBLECharacteristicValue,
  notifyBLECharacteristicValueChange,
  type BluetoothDevice,
  type Unsubscribe,
} from '../../../bluetooth'
import { createMiniUpsdk } from '../../../bluetooth/miniHost'
import { DOOR_LOCK, HEART_RATE, installBle } from '.'

function setup() {
  const target = new EventTarget()
  const mini = createMiniUpsdk({ target })
  const ble = installBle(mini.host)
  ble.setTiming({ scanIntervalMs: 10, heartRateIntervalMs: 10 })
  return { ...mini, ble, target, o: { upsdk: mini.upsdk }, l: { upsdk: mini.upsdk, target } }
}

const cleanup: (() => void)[] = []
afterEach(() => {
  for (const c of cleanup.splice(0)) c()
})
const track = (u: Unsubscribe) => (cleanup.push(u), u)

describe('BLE simulator', () => {
  it('returns a handle the stub core can keep as a plain record', () => {
    const handle: Record<string, unknown> = installBle(createMiniUpsdk({ target: new EventTarget() }).host)
    expect(typeof handle.setAdapter).toBe('function')
  })

  it('refuses everything but openBluetoothAdapter before initialisation (10000), and 10001 when off', async () => {
    const { ble, o } = setup()
    await expect(getBluetoothAdapterState(o)).rejects.toMatchObject({ code: '10000' })
    ble.setAdapter(false)
    await expect(openBluetoothAdapter(o)).rejects.toMatchObject({ code: '10001' })
    ble.setAdapter(true)
    expect(await openBluetoothAdapter(o)).toEqual({ supported: true })
    expect(await getBluetoothAdapterState(o)).toEqual({ available: true, discovering: false })
    ble.setSupported(false)
    expect(await openBluetoothAdapter(o)).toEqual({ supported: false })
  })

  it('reports the devices during discovery with changing RSSI, only to a registered listener', async () => {
    const { ble, o, l } = setup()
    await openBluetoothAdapter(o)
    const seen: BluetoothDevice[] = []
    track(await onBluetoothDeviceFound((d) => seen.push(...d), l))
    await startBluetoothDevicesDiscovery({ allowDuplicatesKey: true }, o)
    await expect.poll(() => seen.length).toBeGreaterThan(9)
    expect(new Set(seen.map((d) => d.deviceId))).toEqual(
      new Set([HEART_RATE.deviceId, DOOR_LOCK.deviceId, 'AA:BB:CC:00:00:BE']),
    )
    expect(seen.every((d) => typeof d.rssi === 'number' && d.rssi <= -30 && d.rssi >= -100)).toBe(true)
    expect(ble.state().discovering).toBe(true)
  })

  it('lists connected devices only after the connection-state callback said yes (6.23.9)', async () => {
    const { o, l } = setup()
    await openBluetoothAdapter(o)
    await connectBLEDevice({ deviceId: HEART_RATE.deviceId }, o)
    await new Promise((r) => setTimeout(r, 5))
    expect(await getConnectedBluetoothDevices({}, o)).toEqual([])
    const states: unknown[] = []
    track(await onBLEConnectionStateChange((s) => states.push(s), l))
    await connectBLEDevice({ deviceId: DOOR_LOCK.deviceId }, o)
    await expect.poll(() => states).toEqual([{ deviceId: DOOR_LOCK.deviceId, connected: true }])
    expect((await getConnectedBluetoothDevices({}, o)).map((d) => d.deviceId)).toEqual([DOOR_LOCK.deviceId])
  })

  it('the lock answers a written command on its status characteristic', async () => {
    const { o, l } = setup()
    await openBluetoothAdapter(o)
    track(await onBLEConnectionStateChange(() => undefined, l))
    await connectBLEDevice({ deviceId: DOOR_LOCK.deviceId }, o)
    const ref = { deviceId: DOOR_LOCK.deviceId, serviceId: DOOR_LOCK.service }
    expect((await getBLEDeviceServices({ deviceId: DOOR_LOCK.deviceId }, o)).map((s) => s.uuid)).toEqual([
      DOOR_LOCK.service,
    ])
    await writeBLECharacteristicValue({ ...ref, characteristicId: DOOR_LOCK.command, value: '01' }, o)
    await expect
      .poll(async () => (await readBLECharacteristicValue({ ...ref, characteristicId: DOOR_LOCK.status }, o)).value)
      .toBe('A00101')
    await writeBLECharacteristicValue({ ...ref, characteristicId: DOOR_LOCK.command, value: '7F' }, o)
    await expect
      .poll(async () => (await readBLECharacteristicValue({ ...ref, characteristicId: DOOR_LOCK.status }, o)).value)
      .toBe('EE7F')
    // write-only / read-only properties are enforced
    await expect(readBLECharacteristicValue({ ...ref, characteristicId: DOOR_LOCK.command }, o)).rejects.toMatchObject({
      code: '10007',
    })
    await expect(
      writeBLECharacteristicValue({ ...ref, characteristicId: DOOR_LOCK.status, value: '01' }, o),
    ).rejects.toMatchObject({ code: '10007' })
  })

  it('the heart-rate sensor notifies while notify is on, and stops when the peripheral disconnects', async () => {
    const { ble, o, l } = setup()
    await openBluetoothAdapter(o)
    const values: string[] = []
    const states: boolean[] = []
    track(await onBLEConnectionStateChange((s) => states.push(s.connected), l))
    track(await onBLECharacteristicValueChange((v) => values.push(v.value), l))
    await connectBLEDevice({ deviceId: HEART_RATE.deviceId }, o)
    await notifyBLECharacteristicValueChange(
      { deviceId: HEART_RATE.deviceId, serviceId: HEART_RATE.service, characteristicId: HEART_RATE.measurement },
      o,
    )
    await expect.poll(() => values.length).toBeGreaterThan(2)
    expect(values.every((v) => /^00[0-9A-F]{2}$/.test(v))).toBe(true)
    ble.disconnect(HEART_RATE.deviceId)
    expect(states).toEqual([true, false])
    const n = values.length
    await new Promise((r) => setTimeout(r, 40))
    expect(values.length).toBe(n)
  })

  it('switching Bluetooth off drops connections and reports the adapter state', async () => {
    const { ble, o, l } = setup()
    await openBluetoothAdapter(o)
    const events: unknown[] = []
    track(await onBluetoothAdapterStateChange((s) => events.push(s.state), l))
    track(await onBLEConnectionStateChange(() => undefined, l))
    await connectBLEDevice({ deviceId: DOOR_LOCK.deviceId }, o)
    await expect.poll(() => ble.state().connected).toEqual([DOOR_LOCK.deviceId])
    ble.setAdapter(false)
    expect(ble.state().connected).toEqual([])
    expect(events).toEqual(['poweredOff'])
    await expect(connectBLEDevice({ deviceId: DOOR_LOCK.deviceId }, o)).rejects.toMatchObject({ code: '10001' })
    await closeBluetoothAdapter(o)
    expect(ble.state().initialized).toBe(false)
  })

  it('rejects optional fields sent empty, as the spec forbids', async () => {
    const { upsdk, ble } = setup()
    await openBluetoothAdapter({ upsdk })
    const raw = (params: Record<string, unknown>) =>
      new Promise((resolve, reject) =>
        (upsdk.startBluetoothDevicesDiscovery as (p: unknown) => void)({ ...params, success: resolve, fail: reject }),
      )
    await expect(raw({ services: [] })).rejects.toMatchObject({ code: '10013' })
    await expect(raw({ allowDuplicatesKey: '' })).rejects.toMatchObject({ code: '10013' })
    expect(ble.state().discovering).toBe(false)
  })
})
