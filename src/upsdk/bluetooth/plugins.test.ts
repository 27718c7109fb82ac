import { describe, expect, it } from 'vitest'
import { UpsdkError } from '../errors'
import type { UpsdkGlobal } from '../types'
import {
  connectBLEDevice,
  getBLEDeviceCharacteristics,
  getBLEDeviceServices,
  getBluetoothAdapterState,
  getBluetoothDevices,
  getConnectedBluetoothDevices,
  notifyBLECharacteristicValueChange,
  openBluetoothAdapter,
  readBLECharacteristicValue,
  startBluetoothDevicesDiscovery,
  stopBluetoothDevicesDiscovery,
  writeBLECharacteristicValue,
  describeBleError,
  isBluetoothOffError,
  normalizeAdapterStateChange,
  normalizeCharacteristicValue,
  normalizeConnectionState,
} from '.'
import * as ble from '.'

type Answer = { ok: unknown } | { err: unknown }

/** A upsdk whose methods answer from a table and record what they were called with. */
function fakeUpsdk(answers: Record<string, Answer | ((p: Record<string, unknown>) => Answer)>) {
  const calls: { method: string; params: Record<string, unknown> }[] = []
  const u: UpsdkGlobal = { config: () => undefined, ready: () => undefined, error: () => undefined }
  for (const [method, a] of Object.entries(answers)) {
    u[method] = (arg: Record<string, unknown>) => {
      const { success, fail, ...params } = arg as { success: (x: unknown) => void; fail: (x: unknown) => void }
      calls.push({ method, params })
      const answer = typeof a === 'function' ? a(params) : a
      if ('ok' in answer) success(answer.ok)
      else fail(answer.err)
    }
  }
  return { upsdk: u, calls }
}

const REF = { deviceId: 'D1', serviceId: 'S1', characteristicId: 'C1' }

describe('bluetooth plugins: parameters', () => {
  it('leaves optional discovery fields out when unset, sends yes/no and non-empty service lists', async () => {
    const { upsdk, calls } = fakeUpsdk({
      startBluetoothDevicesDiscovery: { ok: undefined },
      stopBluetoothDevicesDiscovery: { ok: undefined },
    })
    await startBluetoothDevicesDiscovery({}, { upsdk })
    await startBluetoothDevicesDiscovery({ services: [], allowDuplicatesKey: undefined }, { upsdk })
    await startBluetoothDevicesDiscovery({ services: ['180D'], allowDuplicatesKey: true }, { upsdk })
    await stopBluetoothDevicesDiscovery({ allowDuplicatesKey: false }, { upsdk })
    expect(calls.map((c) => c.params)).toEqual([
      {},
      {},
      { services: ['180D'], allowDuplicatesKey: 'yes' },
      { allowDuplicatesKey: 'no' },
    ])
  })

  it('rejects a missing deviceId/serviceId/characteristicId without calling the bridge', async () => {
    const { upsdk, calls } = fakeUpsdk({
      connectBLEDevice: { ok: undefined },
      getBLEDeviceCharacteristics: { ok: { characteristics: [] } },
      readBLECharacteristicValue: { ok: {} },
      writeBLECharacteristicValue: { ok: undefined },
    })
    const cases: [Promise<unknown>, string][] = [
      [connectBLEDevice({ deviceId: '' }, { upsdk }), 'deviceId'],
      [getBLEDeviceCharacteristics({ deviceId: 'D1', serviceId: ' ' }, { upsdk }), 'serviceId'],
      [readBLECharacteristicValue({ ...REF, characteristicId: '' }, { upsdk }), 'characteristicId'],
      [writeBLECharacteristicValue({ ...REF, value: '' }, { upsdk }), 'value'],
      [writeBLECharacteristicValue({ ...REF, value: '0G' }, { upsdk }), '十六进制'],
    ]
    for (const [p, field] of cases) {
      const e = await p.catch((x: unknown) => x)
      expect(e).toBeInstanceOf(UpsdkError)
      expect((e as UpsdkError).source).toBe('validation')
      expect((e as UpsdkError).message).toContain(field)
    }
    expect(calls).toEqual([])
  })

  it('writes bytes or hex as upper-case hex, never through the heading typo (no real build has it)', async () => {
    const a = fakeUpsdk({
      writeBLECharacteristicValue: { ok: undefined },
      writeBLECharcateristicValue: { ok: undefined },
    })
    await writeBLECharacteristicValue({ ...REF, value: new Uint8Array([1, 0xab]) }, { upsdk: a.upsdk })
    await writeBLECharacteristicValue({ ...REF, value: 'a0 ff' }, { upsdk: a.upsdk })
    expect(a.calls).toEqual([
      { method: 'writeBLECharacteristicValue', params: { ...REF, value: '01AB' } },
      { method: 'writeBLECharacteristicValue', params: { ...REF, value: 'A0FF' } },
    ])
    const b = fakeUpsdk({ writeBLECharcateristicValue: { ok: undefined } })
    await expect(writeBLECharacteristicValue({ ...REF, value: '01' }, { upsdk: b.upsdk })).rejects.toMatchObject({
      code: 'not_available',
    })
    expect(b.calls).toEqual([])
  })

  it('sends notify state only when given', async () => {
    const { upsdk, calls } = fakeUpsdk({ notifyBLECharacteristicValueChange: { ok: undefined } })
    await notifyBLECharacteristicValueChange(REF, { upsdk })
    await notifyBLECharacteristicValueChange({ ...REF, state: true }, { upsdk })
    expect(calls.map((c) => c.params)).toEqual([REF, { ...REF, state: 'yes' }])
  })
})

describe('bluetooth plugins: answers', () => {
  it('turns yes/no in any case into booleans', async () => {
    const { upsdk } = fakeUpsdk({
      openBluetoothAdapter: { ok: { isSupportBLE: 'YES' } },
      getBluetoothAdapterState: { ok: { available: 'Yes', discovering: 'NO' } },
    })
    expect(await openBluetoothAdapter({ upsdk })).toEqual({ supported: true })
    expect(await getBluetoothAdapterState({ upsdk })).toEqual({ available: true, discovering: false })
    const no = fakeUpsdk({ openBluetoothAdapter: { ok: '{"isSupportBLE":"no"}' } })
    expect(await openBluetoothAdapter({ upsdk: no.upsdk })).toEqual({ supported: false })
  })

  it('rejects an answer that is not yes/no, keeping the raw answer', async () => {
    const { upsdk } = fakeUpsdk({ getBluetoothAdapterState: { ok: { available: 'maybe' } } })
    const e = (await getBluetoothAdapterState({ upsdk }).catch((x: unknown) => x)) as UpsdkError
    expect(e.code).toBe('bad_answer')
    expect(e.raw).toEqual({ available: 'maybe' })
  })

  it('types device lists (name from localName, RSSI as number)', async () => {
    const { upsdk } = fakeUpsdk({
      getBluetoothDevices: {
        ok: {
          devices: [
            { deviceId: 'D1', localName: 'HR', RSSI: '-61', advertisServiceUUIDs: ['180D', 3] },
            { deviceId: 'D2', name: 'Lock', RSSI: -40 },
          ],
        },
      },
      getConnectedBluetoothDevices: { ok: { devices: [] } },
    })
    expect(await getBluetoothDevices({ upsdk })).toEqual([
      { deviceId: 'D1', name: 'HR', rssi: -61, advertisServiceUUIDs: ['180D'] },
      { deviceId: 'D2', name: 'Lock', rssi: -40, advertisServiceUUIDs: [] },
    ])
    expect(await getConnectedBluetoothDevices({}, { upsdk })).toEqual([])
    const bad = fakeUpsdk({ getBluetoothDevices: { ok: { devices: [{ name: 'no id' }] } } })
    await expect(getBluetoothDevices({ upsdk: bad.upsdk })).rejects.toMatchObject({ code: 'bad_answer' })
  })

  it('types services, characteristics and read values', async () => {
    const { upsdk } = fakeUpsdk({
      getBLEDeviceServices: {
        ok: {
          services: [
            { uuid: 'S1', isPrimary: 'yes' },
            { serviceId: 'S2', isPrimary: 'NO' },
          ],
        },
      },
      getBLEDeviceCharacteristics: {
        ok: { characteristics: [{ uuid: 'C1', properties: { read: 'yes', write: 'NO', notify: 'Yes' } }] },
      },
      readBLECharacteristicValue: {
        ok: { characteristic: { characteristicId: 'C1', serviceId: 'S1', value: 'a00101' } },
      },
    })
    expect(await getBLEDeviceServices({ deviceId: 'D1' }, { upsdk })).toEqual([
      { uuid: 'S1', isPrimary: true },
      { uuid: 'S2', isPrimary: false },
    ])
    expect(await getBLEDeviceCharacteristics({ deviceId: 'D1', serviceId: 'S1' }, { upsdk })).toEqual([
      { uuid: 'C1', properties: { read: true, write: false, notify: true, indicate: false } },
    ])
    const v = await readBLECharacteristicValue(REF, { upsdk })
    expect(v).toMatchObject({ deviceId: 'D1', serviceId: 'S1', characteristicId: 'C1', value: 'A00101' })
    expect([...v.bytes]).toEqual([0xa0, 1, 1])
  })

  it('maps native {code,msg} failures and explains Bluetooth off', async () => {
    const { upsdk } = fakeUpsdk({ openBluetoothAdapter: { err: { code: '10001', msg: '' } } })
    const e = await openBluetoothAdapter({ upsdk }).catch((x: unknown) => x)
    expect(e).toMatchObject({ code: '10001', source: 'native', method: 'openBluetoothAdapter' })
    expect(isBluetoothOffError(e)).toBe(true)
    expect(describeBleError(e)).toContain('蓝牙未打开')
  })
})

describe('bluetooth plugins: every one of the 23 reaches its method with exactly its parameters', () => {
  const ok = { ok: undefined }
  const { upsdk, calls } = fakeUpsdk({
    openBluetoothAdapter: { ok: { isSupportBLE: 'yes' } },
    closeBluetoothAdapter: ok,
    getBluetoothAdapterState: { ok: { available: 'yes', discovering: 'no' } },
    startBluetoothDevicesDiscovery: ok,
    stopBluetoothDevicesDiscovery: ok,
    getBluetoothDevices: { ok: { devices: [] } },
    connectBLEDevice: ok,
    disconnectBLEDevice: ok,
    getConnectedBluetoothDevices: { ok: { devices: [] } },
    getBLEDeviceServices: { ok: { services: [] } },
    getBLEDeviceCharacteristics: { ok: { characteristics: [] } },
    writeBLECharacteristicValue: ok,
    readBLECharacteristicValue: { ok: { characteristic: { serviceId: 'S1', characteristicId: 'C1', value: '00' } } },
    notifyBLECharacteristicValueChange: ok,
    registerBluetoothDeviceFound: ok,
    cancelBluetoothDeviceFound: ok,
    registerBLEConnectionStateChange: ok,
    cancelBLEConnectionStateChange: ok,
    registerBLECharacteristicValueChange: ok,
    cancelBLECharacteristicValueChange: ok,
    registerBluetoothAdapterStateChange: ok,
    cancelBluetoothAdapterStateChange: ok,
    openBluetoothSetting: ok,
  })
  const o = { upsdk }
  const cases: [string, () => Promise<unknown>, Record<string, unknown>][] = [
    ['openBluetoothAdapter', () => ble.openBluetoothAdapter(o), {}],
    ['closeBluetoothAdapter', () => ble.closeBluetoothAdapter(o), {}],
    ['getBluetoothAdapterState', () => ble.getBluetoothAdapterState(o), {}],
    [
      'startBluetoothDevicesDiscovery',
      () => ble.startBluetoothDevicesDiscovery({ services: ['180D', ' '] }, o),
      { services: ['180D'] },
    ],
    ['stopBluetoothDevicesDiscovery', () => ble.stopBluetoothDevicesDiscovery({}, o), {}],
    ['getBluetoothDevices', () => ble.getBluetoothDevices(o), {}],
    ['connectBLEDevice', () => ble.connectBLEDevice({ deviceId: 'D1' }, o), { deviceId: 'D1' }],
    ['disconnectBLEDevice', () => ble.disconnectBLEDevice({ deviceId: 'D1' }, o), { deviceId: 'D1' }],
    ['getConnectedBluetoothDevices', () => ble.getConnectedBluetoothDevices({ services: [] }, o), {}],
    [
      'getConnectedBluetoothDevices',
      () => ble.getConnectedBluetoothDevices({ services: ['180D'] }, o),
      { services: ['180D'] },
    ],
    ['getBLEDeviceServices', () => ble.getBLEDeviceServices({ deviceId: 'D1' }, o), { deviceId: 'D1' }],
    [
      'getBLEDeviceCharacteristics',
      () => ble.getBLEDeviceCharacteristics({ deviceId: 'D1', serviceId: 'S1' }, o),
      { deviceId: 'D1', serviceId: 'S1' },
    ],
    [
      'writeBLECharacteristicValue',
      () => ble.writeBLECharacteristicValue({ ...REF, value: new Uint8Array([1]) }, o),
      { ...REF, value: '01' },
    ],
    ['readBLECharacteristicValue', () => ble.readBLECharacteristicValue(REF, o), REF],
    [
      'notifyBLECharacteristicValueChange',
      () => ble.notifyBLECharacteristicValueChange({ ...REF, state: false }, o),
      { ...REF, state: 'no' },
    ],
    ['registerBluetoothDeviceFound', () => ble.registerBluetoothDeviceFound(o), {}],
    ['cancelBluetoothDeviceFound', () => ble.cancelBluetoothDeviceFound(o), {}],
    ['registerBLEConnectionStateChange', () => ble.registerBLEConnectionStateChange(o), {}],
    ['cancelBLEConnectionStateChange', () => ble.cancelBLEConnectionStateChange(o), {}],
    ['registerBLECharacteristicValueChange', () => ble.registerBLECharacteristicValueChange(o), {}],
    ['cancelBLECharacteristicValueChange', () => ble.cancelBLECharacteristicValueChange(o), {}],
    ['registerBluetoothAdapterStateChange', () => ble.registerBluetoothAdapterStateChange(o), {}],
    ['cancelBluetoothAdapterStateChange', () => ble.cancelBluetoothAdapterStateChange(o), {}],
    ['openBluetoothSetting', () => ble.openBluetoothSetting(o), {}],
  ]

  it('covers all 23 plugins of 6.23', () => {
    expect(new Set(cases.map(([m]) => m)).size).toBe(23)
  })

  it.each(cases)('%s', async (method, run, params) => {
    calls.length = 0
    await run()
    expect(calls).toEqual([{ method, params }])
  })

  it('validates the required ids of disconnect and services before the bridge', async () => {
    calls.length = 0
    await expect(ble.disconnectBLEDevice({ deviceId: '' }, o)).rejects.toMatchObject({
      code: 'invalid_params',
      source: 'validation',
    })
    await expect(ble.getBLEDeviceServices({ deviceId: ' ' }, o)).rejects.toMatchObject({ code: 'invalid_params' })
    await expect(ble.notifyBLECharacteristicValueChange({ ...REF, serviceId: '' }, o)).rejects.toMatchObject({
      code: 'invalid_params',
    })
    expect(calls).toEqual([])
  })
})

describe('bluetooth events: normalised like the answers', () => {
  it('connection state, characteristic values and adapter states', () => {
    expect(normalizeConnectionState({ deviceId: 'D1', connected: 'No' })).toEqual({ deviceId: 'D1', connected: false })
    expect(normalizeConnectionState('{"deviceId":"D1","connected":"YES"}')).toEqual({ deviceId: 'D1', connected: true })
    const v = normalizeCharacteristicValue(
      { deviceId: 'D1', serviceId: 'S1', characteristicId: 'C1', value: '00 4b' },
      'BLECharacteristicValueChange',
    )
    expect(v).toMatchObject({ deviceId: 'D1', value: '004B' })
    expect([...v.bytes]).toEqual([0, 0x4b])
    expect(normalizeAdapterStateChange({ state: 'poweredOff' })).toMatchObject({
      state: 'poweredOff',
      available: false,
    })
    expect(normalizeAdapterStateChange({ state: 'ON' })).toMatchObject({ state: 'poweredOn', available: true })
    expect(normalizeAdapterStateChange({ available: 'NO' })).toMatchObject({ state: 'poweredOff', available: false })
    expect(normalizeAdapterStateChange({ state: 'weird' })).toMatchObject({
      state: 'unknown',
      available: false,
      raw: { state: 'weird' },
    })
    expect(() => normalizeAdapterStateChange({})).toThrow(UpsdkError)
  })
})
