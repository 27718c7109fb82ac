/**
 * Times on screen are Beijing time (UTC+8, no daylight saving) whatever the device's zone, like the
 * platforms' own timestamps (银商 payTime, 云闪付 operateTime), and say so.
 */
export const BEIJING = '北京时间'

const OFFSET_MS = 8 * 3600_000
const p2 = (n: number) => String(n).padStart(2, '0')

/** `yyyy-MM-dd HH:mm` (`'minute'`), `yyyy-MM-dd HH:mm:ss` (`'second'`) or `HH:mm:ss` (`'time'`) in Beijing time. */
export function beijingTime(ms: number, precision: 'minute' | 'second' | 'time' = 'minute'): string {
  const d = new Date(ms + OFFSET_MS)
  const date = `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`
  const hm = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`
  if (precision === 'time') return `${hm}:${p2(d.getUTCSeconds())}`
  return precision === 'second' ? `${date} ${hm}:${p2(d.getUTCSeconds())}` : `${date} ${hm}`
}

/** The same with its label: `2026-12-01 07:05 北京时间`. */
export const beijingLabelled = (ms: number, precision: 'minute' | 'second' | 'time' = 'minute'): string =>
  `${beijingTime(ms, precision)} ${BEIJING}`
