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
 * The sums seed 1.1 requires when `divisionFlag` is true: goods and subOrders not both empty;
 * totalAmount = Σ subOrders.totalAmount + platformAmount; totalAmount = Σ goods.subOrderAmount
 * (when goods name sub-merchants); at most 20 elements; no guaranteed (secure) transaction.
 * Returns the problems found (empty when valid).
 */
export function divisionProblems(totalAmount: number, d: Division, secureTransaction: boolean): string[] {
  const problems: string[] = []
  const subs = d.subOrders ?? []
  const goods = d.goods ?? []
  if (subs.length === 0 && goods.length === 0) problems.push('分账时 goods 与 subOrders 不能同时为空')
  if (secureTransaction) problems.push('分账交易不能同时是担保交易（secureTransaction）')
  if (subs.length > 20) problems.push('subOrders 的子商户不能超过 20 个')
  if (goods.length > 20) problems.push('goods 的元素不能超过 20 个')
  if (subs.length > 0) {
    const sum = subs.reduce((s, o) => s + o.totalAmount, 0) + d.platformAmount
    if (sum !== totalAmount) problems.push(`subOrders 分账金额之和 + platformAmount（${sum}）必须等于 totalAmount（${totalAmount}）`)
    if (new Set(subs.map((s) => s.mid)).size !== subs.length) problems.push('subOrders 的子商户号重复')
  }
  const withSub = goods.filter((g) => g.subMerchantId !== undefined)
  if (withSub.length > 0) {
    if (withSub.some((g) => g.subOrderAmount === undefined)) problems.push('goods 中传了 subMerchantId 的元素必须传 subOrderAmount')
    const sum = goods.reduce((s, g) => s + (g.subOrderAmount ?? 0), 0)
    if (sum !== totalAmount) problems.push(`goods 的 subOrderAmount 之和（${sum}）必须等于 totalAmount（${totalAmount}）`)
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
export function h5PayUrl(baseUrl: string, channel: H5Channel, creds: OpenCredentials, content: H5OrderContent, now: number): string {
  return openFormParamUrl(`${baseUrl}/v1/netpay/${H5_CHANNELS[channel].path}`, creds, JSON.stringify(content), now)
}
