import { normalizeUuid as up } from '../../../bluetooth/uuid'
import type { StubHost, StubReply } from '../host'
import type { SimChar, SimDevice, SimService } from './devices'
import { ERR } from './errors'
import { LISTENERS, yn, type SimRadio } from './radio'

const HEX = /^(?:[0-9A-F]{2})+$/
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined)

/** The 23 Bluetooth plugins (seed 6.23) as the native side answers them, over the simulated radio. */
export function defineBlePlugins(host: StubHost, radio: SimRadio): void {
  /** Wraps a handler with the checks every radio operation shares. */
  function define(
    method: string,
    needs: 'nothing' | 'init' | 'radio',
    fn: (p: Record<string, unknown>, reply: StubReply) => void,
  ) {
    host.define(method, (params, reply) => {
      const forced = radio.failures.get(method)
      if (forced) {
        radio.failures.delete(method)
        return reply.fail(forced)
      }
      if (needs !== 'nothing' && !radio.initialized) return reply.fail(ERR.notInit)
      if (needs === 'radio' && !radio.adapterOn) return reply.fail(ERR.off)
      fn(params, reply)
    })
  }

  function connectedDevice(p: Record<string, unknown>, reply: StubReply): SimDevice | undefined {
    const id = str(p.deviceId)
    if (!id) return void reply.fail(ERR.badParam)
    const d = radio.devices.get(id)
    if (!d) return void reply.fail(ERR.noDevice)
    if (!radio.connected.has(id)) return void reply.fail(ERR.noConnection)
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
    if (!radio.supported) return reply.success({ isSupportBLE: 'no' })
    if (!radio.adapterOn) return reply.fail(ERR.off)
    radio.initialized = true
    reply.success({ isSupportBLE: 'yes' })
  })
  define('closeBluetoothAdapter', 'init', (_p, reply) => {
    radio.stopScan()
    radio.disconnectAll()
    radio.initialized = false
    radio.seen.clear()
    reply.success()
  })
  define('getBluetoothAdapterState', 'init', (_p, reply) =>
    reply.success({ available: yn(radio.adapterOn), discovering: yn(radio.discovering) }),
  )
  define('startBluetoothDevicesDiscovery', 'radio', (p, reply) => {
    if (!discoveryParams(p, reply)) return
    radio.startScan(
      Array.isArray(p.services) ? p.services.map((s) => up(String(s))) : undefined,
      p.allowDuplicatesKey === undefined ? false : /^yes$/i.test(String(p.allowDuplicatesKey)),
    )
    reply.success()
  })
  define('stopBluetoothDevicesDiscovery', 'init', (p, reply) => {
    if (!discoveryParams(p, reply)) return
    radio.stopScan()
    reply.success()
  })
  define('getBluetoothDevices', 'init', (_p, reply) =>
    reply.success({
      devices: [...radio.seen].flatMap((id) => {
        const d = radio.devices.get(id)
        return d ? [radio.deviceJson(d)] : []
      }),
    }),
  )
  define('connectBLEDevice', 'radio', (p, reply) => {
    const id = str(p.deviceId)
    if (!id) return reply.fail(ERR.badParam)
    const d = radio.devices.get(id)
    if (!d || !d.inRange) return reply.fail(ERR.noDevice)
    if (!d.connectable) return reply.fail(ERR.connectFail)
    radio.setConnected(id, true, 'later')
    reply.success()
  })
  define('disconnectBLEDevice', 'init', (p, reply) => {
    const id = str(p.deviceId)
    if (!id) return reply.fail(ERR.badParam)
    if (!radio.connected.has(id)) return reply.fail(ERR.noConnection)
    radio.setConnected(id, false, 'later')
    reply.success()
  })
  define('getConnectedBluetoothDevices', 'radio', (p, reply) => {
    if ('services' in p && (!Array.isArray(p.services) || p.services.length === 0)) return reply.fail(ERR.badParam)
    const filter = Array.isArray(p.services) ? p.services.map((s) => up(String(s))) : undefined
    const list = [...radio.announced].flatMap((id) => {
      const d = radio.devices.get(id)
      if (!d || (filter && !filter.some((u) => d.services.has(u)))) return []
      return [radio.deviceJson(d)]
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
    setTimeout(() => t.c.onWrite?.(value, radio.control(t.d.deviceId)), 0)
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
    radio.notifying.add(radio.key(t.d.deviceId, t.s.uuid, t.c.uuid))
    radio.syncHeartRate()
    reply.success()
  })
  for (const [name, reg] of LISTENERS) {
    define(`register${name}`, 'nothing', (_p, reply) => {
      radio.registrations.add(reg)
      reply.success()
    })
    define(`cancel${name}`, 'nothing', (_p, reply) => {
      radio.registrations.delete(reg)
      reply.success()
    })
  }
  define('openBluetoothSetting', 'nothing', (_p, reply) => {
    reply.success()
    const after = radio.timing.settingsTurnsOnAfter
    if (!radio.adapterOn && after !== null) setTimeout(() => radio.setAdapter(true), after)
  })
}
