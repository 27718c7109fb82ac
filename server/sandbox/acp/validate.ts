import { beijingCompact, parseBeijingCompact } from '../crypto/time.ts'

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

/** Freshness window for txnTime ("必须取当前时间，否则会报txnTime无效"). */
export const TXN_TIME_SKEW_MS = 15 * 60_000

/** yyyyMMddHHmmss in Beijing time → epoch ms; undefined when not a real date. */
export function parseTxnTime(s: string): number | undefined {
  const t = parseBeijingCompact(s)
  return Number.isNaN(t) ? undefined : t
}

/** yyyyMMdd in Beijing time. */
export function beijingDay(ms: number): string {
  return beijingCompact(ms).slice(0, 8)
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
