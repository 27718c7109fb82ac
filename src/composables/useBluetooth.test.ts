import { effectScope } from 'vue'
import { afterEach, describe, expect, it } from 'vitest'
import { bleListenerState } from '@/upsdk/bluetooth'
import { createMiniUpsdk } from '@/upsdk/bluetooth/miniHost'
import { BEACON, DOOR_LOCK, HEART_RATE, installBle } from '@/upsdk/stub/native/ble'
import { useBluetooth, type UseBluetoothOptions } from './useBluetooth'

function setup(opts: Omit<UseBluetoothOptions, 'upsdk' | 'target'> = {}) {
  const target = new EventTarget()
  const mini = createMiniUpsdk({ target })
  const ble = installBle(mini.host)
  ble.setTiming({ scanIntervalMs: 10, heartRateIntervalMs: 10 })
  ble.setSettingsTurnsOnAfter(5)
  const scope = effectScope()
  const bt = scope.run(() => useBluetooth({ upsdk: mini.upsdk, target, ...opts }))
  if (!bt) throw new Error('no scope')
  scopes.push(scope)
  const methods = () => mini.calls.map((c) => c.method)
  return { ...mini, target, ble, bt, scope, methods }
}

const scopes: ReturnType<typeof effectScope>[] = []
afterEach(() => {
  for (const s of scopes.splice(0)) s.stop()
})
const settle = () => new Promise((r) => setTimeout(r, 20))

describe('useBluetooth', () => {
  it('scans (one entry per device, RSSI updated), connects, notifies, writes and reads', async () => {
    const { bt, ble, methods } = setup()
    await bt.startDiscovery()
    expect(methods().slice(0, 5)).toEqual([
      'registerBluetoothAdapterStateChange',
      'registerBLEConnectionStateChange',
      'registerBLECharacteristicValueChange',
      'openBluetoothAdapter',
      'registerBluetoothDeviceFound',
    ])
    await expect.poll(() => bt.devices.value.length).toBe(3)
    await settle()
    expect(bt.devices.value.map((d) => d.deviceId).sort()).toEqual(
      [BEACON.deviceId, DOOR_LOCK.deviceId, HEART_RATE.deviceId].sort(),
    )
    // the same device reported again updates its entry's RSSI instead of adding a second one
    ble.setRssi(HEART_RATE.deviceId, -35)
    await expect
      .poll(() => bt.devices.value.find((d) => d.deviceId === HEART_RATE.deviceId)?.rssi ?? -100)
      .toBeGreaterThanOrEqual(-39)
    expect(bt.devices.value).toHaveLength(3)

    await bt.connect(HEART_RATE.deviceId)
    await expect.poll(() => bt.connectedIds.value).toEqual([HEART_RATE.deviceId])
    await expect.poll(() => bt.connectedDevices.value.map((d) => d.name)).toEqual([HEART_RATE.name])
    expect(methods().indexOf('getConnectedBluetoothDevices')).toBeGreaterThan(methods().indexOf('connectBLEDevice'))

    const services = await bt.getServices(HEART_RATE.deviceId)
    expect(services.map((s) => s.uuid)).toEqual([HEART_RATE.service, HEART_RATE.batteryService])
    const chars = await bt.getCharacteristics(HEART_RATE.deviceId, HEART_RATE.service)
    expect(chars[0]).toEqual({
      uuid: HEART_RATE.measurement,
      properties: { read: false, write: false, notify: true, indicate: false },
    })
    await bt.notify({
      deviceId: HEART_RATE.deviceId,
      serviceId: HEART_RATE.service,
      characteristicId: HEART_RATE.measurement,
    })
    await expect.poll(() => bt.log.value.filter((e) => e.kind === 'notify').length).toBeGreaterThan(1)

    await bt.connect(DOOR_LOCK.deviceId)
    const lock = { deviceId: DOOR_LOCK.deviceId, serviceId: DOOR_LOCK.service }
    await bt.write({ ...lock, characteristicId: DOOR_LOCK.command }, new Uint8Array([1]))
    await settle()
    const answer = await bt.read({ ...lock, characteristicId: DOOR_LOCK.status })
    expect(answer.value).toBe('A00101')
    expect([...answer.bytes]).toEqual([0xa0, 0x01, 0x01])
    expect(bt.log.value.some((e) => e.kind === 'write' && e.value === '01')).toBe(true)
  })

  it('asks for the connected list only after a connection-state callback said yes (6.23.9)', async () => {
    const { bt, methods } = setup()
    await bt.init()
    expect(await bt.refreshConnected()).toEqual([])
    expect(methods()).not.toContain('getConnectedBluetoothDevices')
    await bt.connect(DOOR_LOCK.deviceId)
    await expect.poll(() => bt.connectedDevices.value.map((d) => d.deviceId)).toEqual([DOOR_LOCK.deviceId])
    expect(methods()).toContain('getConnectedBluetoothDevices')
  })

  it('leaves nothing registered, scanning or connected when its scope ends', async () => {
    const { bt, ble, scope, upsdk } = setup()
    await bt.startDiscovery()
    await bt.connect(DOOR_LOCK.deviceId)
    await expect.poll(() => ble.state().connected).toEqual([DOOR_LOCK.deviceId])
    expect(ble.state().registrations).toHaveLength(4)
    scope.stop()
    await settle()
    expect(ble.state()).toMatchObject({ discovering: false, connected: [], registrations: [] })
    expect(Object.values(bleListenerState(upsdk)).every((c) => c.subscribers === 0 && !c.registered)).toBe(true)
  })

  it("two components scanning: the first to leave does not stop the other one's scan", async () => {
    const { bt, ble, scope, upsdk, target } = setup()
    const other = effectScope()
    scopes.push(other)
    const bt2 = other.run(() => useBluetooth({ upsdk, target }))
    if (!bt2) throw new Error('no scope')
    await bt.startDiscovery()
    await bt2.startDiscovery()
    scope.stop()
    await settle()
    expect(ble.state().discovering).toBe(true)
    await expect.poll(() => bt2.devices.value.length).toBe(3)
    await bt2.stopDiscovery()
    expect(ble.state().discovering).toBe(false)
  })

  it('does not disconnect a device it did not connect', async () => {
    const { bt, ble, scope, upsdk } = setup()
    await bt.init()
    // another part of the page connects the lock
    await new Promise((r) =>
      (upsdk.connectBLEDevice as (p: unknown) => void)({ deviceId: DOOR_LOCK.deviceId, success: r }),
    )
    scope.stop()
    await settle()
    expect(ble.state().connected).toEqual([DOOR_LOCK.deviceId])
  })

  it('explains Bluetooth off, offers the settings, and recovers when it comes back on', async () => {
    const { bt, ble } = setup()
    ble.setAdapter(false)
    expect(await bt.init()).toBe(false)
    expect(bt.bluetoothOff.value).toBe(true)
    expect(bt.error.value?.message).toContain('蓝牙未打开')
    await expect(bt.startDiscovery()).rejects.toMatchObject({ code: '10001' })
    await bt.openSettings()
    await expect.poll(() => bt.status.value).toBe('ready')
    expect(bt.error.value).toBeNull()
  })

  it('turns off when the adapter goes off mid-session, dropping connections', async () => {
    const { bt, ble } = setup()
    await bt.connect(HEART_RATE.deviceId)
    await expect.poll(() => bt.connectedIds.value).toEqual([HEART_RATE.deviceId])
    ble.setAdapter(false)
    await expect.poll(() => bt.bluetoothOff.value).toBe(true)
    expect(bt.connectedIds.value).toEqual([])
  })

  it('ages out devices that stop advertising, but keeps connected ones', async () => {
    const { bt, ble } = setup({ staleAfterMs: 60 })
    await bt.startDiscovery()
    await expect.poll(() => bt.devices.value.length).toBe(3)
    await bt.connect(HEART_RATE.deviceId)
    ble.setInRange(BEACON.deviceId, false)
    await expect
      .poll(() => bt.devices.value.map((d) => d.deviceId).includes(BEACON.deviceId), { timeout: 2000 })
      .toBe(false)
    expect(bt.devices.value).toHaveLength(2)
  })

  it('reports BLE unsupported', async () => {
    const { bt, ble } = setup()
    ble.setSupported(false)
    expect(await bt.init()).toBe(false)
    expect(bt.status.value).toBe('unsupported')
    expect(bt.error.value?.message).toContain('不支持')
  })
})

describe('useBluetooth isSupported', () => {
  it('follows a window.upsdk that is loaded after setup', async () => {
    const scope = effectScope()
    scopes.push(scope)
    const bt = scope.run(() => useBluetooth())
    if (!bt) throw new Error('no scope')
    expect(bt.isSupported.value).toBe(false)
    const mini = createMiniUpsdk({ target: new EventTarget() })
    installBle(mini.host)
    window.upsdk = mini.upsdk
    try {
      await bt.init()
      expect(bt.isSupported.value).toBe(true)
    } finally {
      await bt.dispose()
      delete window.upsdk
    }
  })
})
