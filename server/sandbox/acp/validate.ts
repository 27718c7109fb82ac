/** Field rules of the sandbox gateway; each failure names the field and its respCode. */
export interface Refusal {
  respCode: string
  respMsg: string
}

const refuse = (respCode: string, respMsg: string): Refusal => ({ respCode, respMsg })

export const RULES = {
  orderId: /^[0-9A-Za-z]{8,40}$/,
  txnTime: /^\d{14}$/,
  txnAmt: /^[1-9]\d{0,11}$/,
  queryId: /^\d{21}$/,
}

const BEIJING_MS = 8 * 3600_000
/** Freshness window for txnTime ("必须取当前时间，否则会报txnTime无效"). */
export const TXN_TIME_SKEW_MS = 15 * 60_000

/** yyyyMMddHHmmss in Beijing time → epoch ms; undefined when not a real date. */
export function parseTxnTime(s: string): number | undefined {
  if (!RULES.txnTime.test(s)) return undefined
  const [y, mo, d, h, mi, se] = [
    s.slice(0, 4),
    s.slice(4, 6),
    s.slice(6, 8),
    s.slice(8, 10),
    s.slice(10, 12),
    s.slice(12, 14),
  ].map(Number) as [number, number, number, number, number, number]
  const t = Date.UTC(y, mo - 1, d, h, mi, se)
  const back = new Date(t)
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return undefined
  return t - BEIJING_MS
}

export function beijingDay(ms: number): string {
  const d = new Date(ms + BEIJING_MS)
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`
}

export function requireFields(f: Record<string, string>, names: readonly string[]): Refusal | undefined {
  const missing = names.filter((n) => !f[n])
  return missing.length ? refuse('13', `报文交易要素缺失[${missing.join(',')}]`) : undefined
}

export function checkOrder(
  f: Record<string, string>,
  now: number,
  opts: { fresh: boolean; amount: boolean; backUrl: boolean },
): Refusal | undefined {
  if (!RULES.orderId.test(f.orderId ?? '')) return refuse('10', 'orderId格式错误：8-40位字母或数字')
  const t = parseTxnTime(f.txnTime ?? '')
  if (t === undefined) return refuse('10', 'txnTime格式错误：yyyyMMddHHmmss')
  if (opts.fresh && Math.abs(now - t) > TXN_TIME_SKEW_MS) return refuse('10', 'txnTime无效：须为当前时间')
  if (!opts.fresh && t > now + TXN_TIME_SKEW_MS) return refuse('10', 'txnTime无效：晚于当前时间')
  if (opts.amount) {
    if (!RULES.txnAmt.test(f.txnAmt ?? '')) return refuse('10', 'txnAmt格式错误：以分为单位的正整数')
  }
  if (opts.amount && f.currencyCode !== undefined && f.currencyCode !== '156')
    return refuse('10', 'currencyCode仅支持156')
  if (opts.backUrl) {
    const u = f.backUrl ?? ''
    if (u.length > 256 || !/^https?:\/\/[^\s]+$/.test(u)) return refuse('10', 'backUrl格式错误')
  }
  if ((f.reqReserved ?? '').length > 1024) return refuse('10', 'reqReserved超长')
  return undefined
}

export { refuse }
