import { openFormParamUrl, type OpenCredentials } from './sign.ts'

/** The three H5 channels of seed 004 1.1.2 and their paths under `/v1/netpay/`. */
export const H5_CHANNELS = {
  uac: { path: 'uac/order', name: '银联云闪付' },
  qmf: { path: 'qmf/h5-pay', name: '银联在线无卡' },
  alipay: { path: 'trade/h5-pay', name: '支付宝' },
} as const

export type H5Channel = keyof typeof H5_CHANNELS
export const H5_CHANNEL_IDS = Object.keys(H5_CHANNELS) as H5Channel[]

export const MAX_AMOUNT = 100_000_000

export interface Good {
  goodsId?: string
  goodsName?: string
  quantity?: string
  price?: string
  goodsCategory?: string
  body?: string
  subMerchantId?: string
  subOrderAmount?: number
}

export interface Division {
  platformAmount: number
  subOrders?: Array<{ mid: string; totalAmount: number }>
  goods?: Good[]
}

/**
 * The sums seed 1.1 requires when `divisionFlag` is true: the split carried by subOrders or by
 * goods naming sub-merchants (not neither); totalAmount = Σ subOrders.totalAmount + platformAmount;
 * when goods name sub-merchants, every element names one with its subOrderAmount and
 * totalAmount = Σ goods.subOrderAmount; at most 20 elements; no guaranteed (secure) transaction.
 * Returns the problems found (empty when valid).
 */
export function divisionProblems(totalAmount: number, d: Division, secureTransaction: boolean): string[] {
  const problems: string[] = []
  const subs = d.subOrders ?? []
  const goods = d.goods ?? []
  const withSub = goods.filter((g) => g.subMerchantId !== undefined)
  if (subs.length === 0 && withSub.length === 0) problems.push('分账时 subOrders 与（含子商户号的）goods 不能同时为空')
  if (secureTransaction) problems.push('分账交易不能同时是担保交易（secureTransaction）')
  if (subs.length > 20) problems.push('subOrders 的子商户不能超过 20 个')
  if (goods.length > 20) problems.push('goods 的元素不能超过 20 个')
  if (subs.length > 0) {
    const sum = subs.reduce((s, o) => s + o.totalAmount, 0) + d.platformAmount
    if (sum !== totalAmount)
      problems.push(`subOrders 分账金额之和 + platformAmount（${sum}）必须等于 totalAmount（${totalAmount}）`)
    if (new Set(subs.map((s) => s.mid)).size !== subs.length) problems.push('subOrders 的子商户号重复')
  }
  if (withSub.length > 0) {
    // Seed 1.1 goods: "goods字段中每个元素中subMerchantId与subOrderAmount不能为空".
    if (goods.some((g) => g.subMerchantId === undefined || g.subOrderAmount === undefined))
      problems.push('goods 分账时每个元素都必须传 subMerchantId 与 subOrderAmount')
    const sum = goods.reduce((s, g) => s + (g.subOrderAmount ?? 0), 0)
    if (sum !== totalAmount)
      problems.push(`goods 的 subOrderAmount 之和（${sum}）必须等于 totalAmount（${totalAmount}）`)
  }
  return problems
}

export interface H5OrderContent {
  requestTimestamp: string
  merOrderId: string
  mid: string
  tid: string
  instMid: string
  totalAmount: number
  notifyUrl: string
  returnUrl: string
  expireTime?: string
  orderDesc?: string
  goods?: Good[]
  secureTransaction?: 'true'
  divisionFlag?: true
  platformAmount?: number
  subOrders?: Array<{ mid: string; totalAmount: number }>
}

/** The signed GET URL the browser is redirected to. */
export function h5PayUrl(
  baseUrl: string,
  channel: H5Channel,
  creds: OpenCredentials,
  content: H5OrderContent,
  now: number,
): string {
  return openFormParamUrl(`${baseUrl}/v1/netpay/${H5_CHANNELS[channel].path}`, creds, JSON.stringify(content), now)
}
