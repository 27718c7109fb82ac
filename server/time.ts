/**
 * Beijing time (UTC+8, no daylight saving), the one implementation on the server: the platforms'
 * timestamps (银商 OPEN-* headers and fields, 云闪付 operateTime, contract codes) are all written in it.
 */
const BEIJING_OFFSET_MS = 8 * 3600_000

/** Calendar fields of an instant in Beijing time. */
export function beijingParts(now: number) {
  const d = new Date(now + BEIJING_OFFSET_MS)
  const p2 = (n: number) => String(n).padStart(2, '0')
  return {
    yyyy: String(d.getUTCFullYear()),
    MM: p2(d.getUTCMonth() + 1),
    dd: p2(d.getUTCDate()),
    HH: p2(d.getUTCHours()),
    mm: p2(d.getUTCMinutes()),
    ss: p2(d.getUTCSeconds()),
    SSS: String(d.getUTCMilliseconds()).padStart(3, '0'),
  }
}

/** Start (epoch ms) of the Beijing day holding `now` (daily limits count from Beijing midnight). */
export function beijingDayStart(now: number): number {
  return Math.floor((now + BEIJING_OFFSET_MS) / 86_400_000) * 86_400_000 - BEIJING_OFFSET_MS
}

/** `yyyyMMddHHmmss` (银商 OPEN-FORM-PARAM / OPEN-BODY-SIG timestamp, the contractCode prefix). */
export function compactTimestamp(now: number): string {
  const p = beijingParts(now)
  return `${p.yyyy}${p.MM}${p.dd}${p.HH}${p.mm}${p.ss}`
}

/** `yyyy-MM-dd HH:mm:ss` (银商 `requestTimestamp` / `expireTime`, 云闪付 operateTime). */
export function requestTimestamp(now: number): string {
  const p = beijingParts(now)
  return `${p.yyyy}-${p.MM}-${p.dd} ${p.HH}:${p.mm}:${p.ss}`
}

/** Parses `yyyyMMddHHmmss` (Beijing) to epoch ms, or NaN. */
export function parseCompactTimestamp(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s)
  if (!m) return NaN
  const [, y, mo, d, h, mi, se] = m.map(Number) as [number, number, number, number, number, number, number]
  const t = Date.UTC(y, mo - 1, d, h, mi, se) - BEIJING_OFFSET_MS
  return compactTimestamp(t) === s ? t : NaN
}

/** Parses `yyyy-MM-dd HH:mm:ss` (Beijing) to epoch ms, or NaN. */
export function parseRequestTimestamp(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s)
  if (!m) return NaN
  return parseCompactTimestamp(m.slice(1).join(''))
}

/** `yyyy-MM-dd HH:mm:ss` or `yyyyMMddHHmmss` (separators optional, `T` allowed), Beijing time, to epoch ms; null otherwise. */
export function parseBeijingTime(value: string | undefined): number | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/.exec(value?.trim() ?? '')
  if (!m) return null
  const [, y, mo, d, h, mi, se] = m.map(Number) as [number, number, number, number, number, number, number]
  const ms = Date.UTC(y, mo - 1, d, h, mi, se) - BEIJING_OFFSET_MS
  return Number.isFinite(ms) ? ms : null
}
