/** Full 128-bit form of a 16-bit Bluetooth SIG UUID. */
export const SIG = (short: string): string => `0000${short.toUpperCase()}-0000-1000-8000-00805F9B34FB`

/** The sandbox door lock's UUIDs (see docs/bluetooth-hce.md for its protocol). */
export const DOOR_LOCK_UUIDS = { service: SIG('FFF0'), command: SIG('FFF1'), status: SIG('FFF2') } as const
