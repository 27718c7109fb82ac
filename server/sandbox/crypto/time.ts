/** Beijing time (UTC+8, no daylight saving) in the formats the simulated platforms use. */

const EIGHT_HOURS = 8 * 3600_000

function fields(epochMs: number): [string, string, string, string, string, string] {
  const iso = new Date(epochMs + EIGHT_HOURS).toISOString() // yyyy-mm-ddThh:mm:ss.sssZ, shifted
  return [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10), iso.slice(11, 13), iso.slice(14, 16), iso.slice(17, 19)]
}

/** `yyyyMMddHHmmss` (OPEN-FORM-PARAM / OPEN-BODY-SIG timestamps, contract.apply operationTime). */
export function beijingCompact(epochMs: number): string {
  return fields(epochMs).join('')
}

/** `yyyy-MM-dd HH:mm:ss` (银商 business times, 无感支付 relieve times). */
export function beijingDashed(epochMs: number): string {
  const [y, mo, d, h, mi, s] = fields(epochMs)
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`
}

function parse(digits: RegExpExecArray | null): number {
  if (!digits) return NaN
  const [y, mo, d, h, mi, s] = digits.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const t = Date.UTC(y, mo - 1, d, h, mi, s) - EIGHT_HOURS
  return beijingCompact(t) === digits.slice(1, 7).join('') ? t : NaN
}

/** Reads `yyyyMMddHHmmss` back to epoch ms; NaN for anything else, including impossible dates. */
export function parseBeijingCompact(text: string): number {
  return parse(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text))
}

/** Reads `yyyy-MM-dd HH:mm:ss` back to epoch ms; NaN for anything else, including impossible dates. */
export function parseBeijingDashed(text: string): number {
  return parse(/^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text))
}
