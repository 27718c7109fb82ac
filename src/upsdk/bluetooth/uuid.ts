/** Full 128-bit form of a 16-bit Bluetooth SIG UUID (`'180D'` → `0000180D-0000-1000-8000-00805F9B34FB`). */
export function sigUuid(short: string): string {
  return `0000${short.toUpperCase()}-0000-1000-8000-00805F9B34FB`
}

/** UUIDs compare upper-case (the native side may answer either case). */
export function normalizeUuid(uuid: string): string {
  return uuid.trim().toUpperCase()
}

/** The 16-bit short form of a SIG UUID (`'180D'`), else undefined. */
export function shortUuid(uuid: string): string | undefined {
  return /^0000([0-9A-F]{4})-0000-1000-8000-00805F9B34FB$/.exec(normalizeUuid(uuid))?.[1]
}
