import type { StubHost } from '../host'
import { toDevice } from './devices'
import { defineBlePlugins } from './plugins'
import { LISTENERS, SimRadio } from './radio'
import type { BleStubHandle } from './types'

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

/**
 * Simulated BLE adapter and peripherals behind the 23 Bluetooth plugins (seed 6.23): the radio
 * (`radio.ts`), the plugins over it (`plugins.ts`), and the scripting handle tests use (here).
 */
export function installBle(host: StubHost): BleStubHandle {
  const radio = new SimRadio(host)
  defineBlePlugins(host, radio)

  const must = (id: string) => {
    const d = radio.devices.get(id)
    if (!d) throw new Error(`stub ble: no device ${id}`)
    return d
  }

  return {
    setAdapter: (on) => radio.setAdapter(on),
    setSupported: (s) => void (radio.supported = s),
    setSettingsTurnsOnAfter: (ms) => void (radio.timing.settingsTurnsOnAfter = ms),
    addDevice: (spec) => void radio.devices.set(spec.deviceId, toDevice(spec)),
    removeDevice(id) {
      radio.setConnected(id, false)
      radio.devices.delete(id)
      radio.seen.delete(id)
    },
    setInRange(id, inRange) {
      must(id).inRange = inRange
      if (!inRange) radio.setConnected(id, false)
    },
    setRssi(id, rssi) {
      const d = must(id)
      d.rssi = d.baseRssi = rssi
    },
    disconnect: (id) => radio.setConnected(id, false),
    setValue: (deviceId, serviceId, characteristicId, hex) =>
      radio.setValue(deviceId, serviceId, characteristicId, hex),
    setHeartRate: (n) => radio.setHeartRate(n),
    failNext: (method, error) => void radio.failures.set(method, error),
    setTiming(t) {
      if (t.scanIntervalMs) radio.timing.scanIntervalMs = t.scanIntervalMs
      if (t.heartRateIntervalMs) radio.timing.heartRateIntervalMs = t.heartRateIntervalMs
    },
    state: () => ({
      adapterOn: radio.adapterOn,
      supported: radio.supported,
      initialized: radio.initialized,
      discovering: radio.discovering,
      connected: [...radio.connected],
      registrations: LISTENERS.filter(([, r]) => radio.registrations.has(r)).map(([n]) => `register${n}`),
      notifying: [...radio.notifying],
      devices: [...radio.devices.values()].map((d) => ({
        deviceId: d.deviceId,
        name: d.name,
        rssi: d.rssi,
        inRange: d.inRange,
      })),
    }),
    reset: () => radio.reset(),
  }
}
