import { SANDBOX_CHINAUMS } from '../credentials.ts'
import { parseBeijingDashed } from '../crypto/time.ts'
import { orderSplit, type DivisionGood, type OrderSplit, type Share } from './division.ts'

export interface GatewayError {
  errCode: string
  errMsg: string
}

export const gwError = (errCode: string, errMsg: string): GatewayError => ({ errCode, errMsg })

/** Seed 1.1.3: amounts are 分, 1..100000000 (division amounts 0..100000000). */
const MAX_AMOUNT = 100_000_000

const isAmount = (v: unknown, min = 1) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= MAX_AMOUNT
/** Numbers may come as JSON numbers or numeric strings (the seed's examples do both). */
export function toAmount(v: unknown, min = 1): number | null {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  return isAmount(n, min) ? (n as number) : null
}

/** The fields every request carries: requestTimestamp, mid, tid, instMid (seed 1.1–1.7). */
export function checkCommon(c: Record<string, unknown>, now: number): GatewayError | null {
  const ts = c.requestTimestamp
  if (typeof ts !== 'string' || Number.isNaN(parseBeijingDashed(ts)))
    return gwError('BAD_REQUEST', 'requestTimestamp 必须是 yyyy-MM-dd HH:mm:ss')
  if (Math.abs(parseBeijingDashed(ts) - now) > 10 * 60_000) return gwError('ABNORMAL_REQUEST_TIME', '请求时间异常')
  if (c.mid !== SANDBOX_CHINAUMS.mid) return gwError('NO_MERCHANT', '找不到请求指定的商户')
  if (c.tid !== SANDBOX_CHINAUMS.tid) return gwError('BAD_REQUEST', 'tid 与商户不匹配')
  if (typeof c.instMid !== 'string' || c.instMid.length < 8 || c.instMid.length > 32)
    return gwError('BAD_REQUEST', 'instMid 长度必须为 8..32')
  return null
}

export function checkMerOrderId(v: unknown, field = 'merOrderId'): GatewayError | null {
  if (typeof v !== 'string' || !/^[0-9A-Za-z]{6,32}$/.test(v))
    return gwError('BAD_REQUEST', `${field} 必须是 6..32 位字母数字`)
  if (!v.startsWith(SANDBOX_CHINAUMS.sourceId))
    return gwError('BAD_REQUEST', `${field} 必须以来源编号 ${SANDBOX_CHINAUMS.sourceId} 开头`)
  return null
}

/** notifyUrl / returnUrl must point at the kit's own server (the sandbox never calls anything else). */
export function checkOwnUrl(v: unknown, field: string, appBaseUrl: string): GatewayError | null {
  if (v === undefined) return null
  if (typeof v !== 'string' || v.length > 255) return gwError('BAD_REQUEST', `${field} 必须是不超过 255 字符的 URL`)
  try {
    if (new URL(v).origin !== new URL(appBaseUrl).origin)
      return gwError('BAD_REQUEST', `${field} 必须指向 ${new URL(appBaseUrl).origin}`)
  } catch {
    return gwError('BAD_REQUEST', `${field} 不是合法的 URL`)
  }
  return null
}

/** Seed 1.1.3 lengths of the optional string fields of the order content. */
const MAX_LENGTHS: Readonly<Record<string, number>> = {
  msgId: 64,
  srcReserve: 255,
  attachedData: 255,
  orderDesc: 255,
  goodsTag: 32,
  systemId: 32,
  sceneType: 16,
  merAppName: 64,
  merAppId: 128,
}

function checkLengths(c: Record<string, unknown>): GatewayError | null {
  for (const [k, max] of Object.entries(MAX_LENGTHS)) {
    const v = c[k]
    if (v !== undefined && (typeof v !== 'string' || v.length > max))
      return gwError('BAD_REQUEST', `${k} 必须是不超过 ${max} 位的字符串`)
  }
  return null
}

export interface CheckedOrder {
  merOrderId: string
  totalAmount: number
  notifyUrl: string | undefined
  returnUrl: string | undefined
  expireAt: number | undefined
  secure: boolean
  division: OrderSplit | undefined
}

/** The H5 order content of seed 1.1.3. */
export function checkOrderContent(
  c: Record<string, unknown>,
  now: number,
  appBaseUrl: string,
): GatewayError | CheckedOrder {
  const common = checkCommon(c, now)
  if (common) return common
  const id = checkMerOrderId(c.merOrderId)
  if (id) return id
  const totalAmount = toAmount(c.totalAmount)
  if (totalAmount === null) return gwError('BAD_REQUEST', 'totalAmount 必须是 1..100000000 的整数（分）')
  for (const f of ['notifyUrl', 'returnUrl'] as const) {
    const e = checkOwnUrl(c[f], f, appBaseUrl)
    if (e) return e
  }
  const lengthBad = checkLengths(c)
  if (lengthBad) return lengthBad
  if (c.originalAmount !== undefined && toAmount(c.originalAmount) === null)
    return gwError('BAD_REQUEST', 'originalAmount 必须是 1..100000000 的整数（分）')
  for (const f of ['secureTransaction', 'limitCreditCard'] as const) {
    const v = c[f]
    if (v !== undefined && v !== true && v !== false && v !== 'true' && v !== 'false')
      return gwError('BAD_REQUEST', `${f} 取值为 true 或 false`)
  }
  let expireAt: number | undefined
  if (c.expireTime !== undefined) {
    expireAt = typeof c.expireTime === 'string' ? parseBeijingDashed(c.expireTime) : NaN
    if (Number.isNaN(expireAt)) return gwError('BAD_REQUEST', 'expireTime 必须是 yyyy-MM-dd HH:mm:ss')
  }
  const secure = c.secureTransaction === true || c.secureTransaction === 'true'
  if (c.goods !== undefined && (!Array.isArray(c.goods) || c.goods.some((g) => typeof g !== 'object' || g === null))) {
    return gwError('BAD_REQUEST', 'goods 必须是对象数组')
  }
  let division: CheckedOrder['division']
  if (c.divisionFlag === true || c.divisionFlag === 'true') {
    const platformAmount = toAmount(c.platformAmount, 0)
    if (platformAmount === null) return gwError('BAD_REQUEST', '分账时 platformAmount 必传（0..100000000 的整数）')
    const subs = readShares(c.subOrders, 'subOrders')
    if ('errCode' in subs) return subs
    const goods: DivisionGood[] = ((c.goods ?? []) as Array<Record<string, unknown>>).map((g) => ({
      ...(g.subMerchantId !== undefined && g.subMerchantId !== '' ? { subMerchantId: String(g.subMerchantId) } : {}),
      ...(g.subOrderAmount !== undefined && g.subOrderAmount !== ''
        ? { subOrderAmount: toAmount(g.subOrderAmount, 0) ?? NaN }
        : {}),
    }))
    const split = orderSplit(totalAmount, platformAmount, subs.shares, goods, secure)
    if ('refused' in split) return gwError('BAD_REQUEST', split.refused.join('；'))
    division = split
  }
  return {
    merOrderId: c.merOrderId as string,
    totalAmount,
    notifyUrl: c.notifyUrl as string | undefined,
    returnUrl: c.returnUrl as string | undefined,
    expireAt,
    secure,
    division,
  }
}

/** `subOrders` of an order or a refund: absent → none; each element's 15-digit mid and amount required. */
export function readShares(v: unknown, field: string): { shares: Share[] } | GatewayError {
  if (v === undefined) return { shares: [] }
  if (!Array.isArray(v)) return gwError('BAD_REQUEST', `${field} 必须是数组`)
  const shares: Share[] = []
  for (const x of v as unknown[]) {
    const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>
    const amount = toAmount(o.totalAmount, 0)
    if (typeof o.mid !== 'string' || !/^\d{15}$/.test(o.mid) || amount === null) {
      return gwError('BAD_REQUEST', `${field} 每个元素的 mid（15 位）与 totalAmount 必传`)
    }
    shares.push({ mid: o.mid, totalAmount: amount })
  }
  return { shares }
}
