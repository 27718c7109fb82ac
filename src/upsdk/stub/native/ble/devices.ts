import { normalizeUuid as up, sigUuid } from '../../../bluetooth/uuid'

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

export interface SimChar {
  uuid: string
  properties: { read: boolean; write: boolean; notify: boolean; indicate: boolean }
  value: string
  onWrite?: SimCharacteristicSpec['onWrite']
}
export interface SimService {
  uuid: string
  isPrimary: boolean
  chars: Map<string, SimChar>
}
export interface SimDevice {
  deviceId: string
  name: string
  rssi: number
  baseRssi: number
  advertisServiceUUIDs: string[]
  inRange: boolean
  connectable: boolean
  services: Map<string, SimService>
}

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
              const answer =
                cmd === '01' || cmd === '02' || cmd === '03' ? `A0${cmd}${locked ? '00' : '01'}` : `EE${cmd || '00'}`
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
      {
        uuid: HEART_RATE.batteryService,
        characteristics: [{ uuid: HEART_RATE.batteryLevel, properties: { read: true, notify: true }, value: '5A' }],
      },
    ],
  }
}

function beaconSpec(): SimDeviceSpec {
  return {
    deviceId: BEACON.deviceId,
    name: BEACON.name,
    rssi: -84,
    connectable: false,
    advertisServiceUUIDs: [sigUuid('FEAA')],
  }
}

export function toDevice(spec: SimDeviceSpec): SimDevice {
  const services = new Map<string, SimService>()
  for (const s of spec.services ?? []) {
    const chars = new Map<string, SimChar>()
    for (const c of s.characteristics) {
      chars.set(up(c.uuid), {
        uuid: up(c.uuid),
        properties: {
          read: !!c.properties.read,
          write: !!c.properties.write,
          notify: !!c.properties.notify,
          indicate: !!c.properties.indicate,
        },
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
    advertisServiceUUIDs:
      spec.advertisServiceUUIDs ?? [...services.values()].filter((s) => s.isPrimary).map((s) => s.uuid),
    inRange: spec.inRange ?? true,
    connectable: spec.connectable ?? true,
    services,
  }
}

/** The sandbox's peripherals: a heart-rate sensor, a door lock and an advertising-only beacon. */
export function demoDevices(): SimDeviceSpec[] {
  return [heartRateSpec(), lockSpec(), beaconSpec()]
}
