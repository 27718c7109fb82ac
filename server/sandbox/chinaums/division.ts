/**
 * The gateway's 分账 (division) rules, written from seed 004 for the sandbox (never production's):
 * 1.1 for an order with `divisionFlag`, 1.3 for refunds of such an order.
 */

export interface Share {
  mid: string
  totalAmount: number
}

export interface DivisionGood {
  subMerchantId?: string
  /** Already read as an integer number of 分; NaN when present but not one. */
  subOrderAmount?: number
}

export interface OrderSplit {
  platformAmount: number
  /** What each sub-merchant may have refunded at most: subOrders as sent, or goods shares. */
  shares: Share[]
}

const MAX_PARTS = 20

/**
 * Seed 1.1: goods and subOrders not both empty; totalAmount = Σ subOrders + platformAmount =
 * Σ goods.subOrderAmount; when goods name sub-merchants every element names one with its amount;
 * ≤ 20 elements; never with secureTransaction. Goods shares are "按goods中每个商品的总额占支付总额
 * 减平台分账金额等比例生成": (totalAmount − platformAmount) × subOrderAmount / totalAmount.
 * Returns the split, or the reasons for refusal.
 */
export function orderSplit(
  totalAmount: number,
  platformAmount: number,
  subOrders: readonly Share[],
  goods: readonly DivisionGood[],
  secure: boolean,
): OrderSplit | { refused: string[] } {
  const refused: string[] = []
  if (secure) refused.push('分账交易 secureTransaction 须为 false 或不上送')
  if (subOrders.length > MAX_PARTS) refused.push('subOrders 的子商户不能超过 20 个')
  if (goods.length > MAX_PARTS) refused.push('goods 的元素不能超过 20 个')
  const goodsCarrySplit = goods.some((g) => g.subMerchantId !== undefined)
  if (subOrders.length === 0 && !goodsCarrySplit) refused.push('分账交易 goods（含子商户号）与 subOrders 二者必传其一')
  if (subOrders.length > 0) {
    const sum = subOrders.reduce((s, x) => s + x.totalAmount, 0) + platformAmount
    if (sum !== totalAmount)
      refused.push(`subOrders 的 totalAmount 之和 + platformAmount = ${sum}，须等于 totalAmount ${totalAmount}`)
  }
  const goodsShares = new Map<string, number>()
  if (goodsCarrySplit) {
    if (
      goods.some(
        (g) => g.subMerchantId === undefined || g.subOrderAmount === undefined || Number.isNaN(g.subOrderAmount),
      )
    ) {
      refused.push('goods 每个元素的 subMerchantId 与 subOrderAmount 均不能为空')
    } else {
      const sum = goods.reduce((s, g) => s + (g.subOrderAmount ?? 0), 0)
      if (sum !== totalAmount) refused.push(`goods 的 subOrderAmount 之和 ${sum} 须等于 totalAmount ${totalAmount}`)
      for (const g of goods)
        goodsShares.set(
          g.subMerchantId as string,
          (goodsShares.get(g.subMerchantId as string) ?? 0) + (g.subOrderAmount ?? 0),
        )
    }
  }
  if (refused.length) return { refused }
  const shares: Share[] =
    subOrders.length > 0
      ? subOrders.map((s) => ({ ...s }))
      : [...goodsShares].map(([mid, amount]) => ({
          mid,
          totalAmount: Math.ceil(((totalAmount - platformAmount) * amount) / totalAmount),
        }))
  return { platformAmount, shares }
}

export interface RefundSplit {
  platformAmount: number
  subOrders: Share[]
}

/**
 * Seed 1.3 for a divided order: platformAmount required; subOrders ("退款时必填") may be absent or
 * empty only when no sub-merchant's part is refunded; one sub-merchant at a time,
 * refundAmount = Σ subOrders + platformAmount, only the order's sub-merchants, and — across all
 * refunds — neither the platform nor a sub-merchant refunded beyond its share (the seed's
 * "小于下单接口中上送的…" read as cumulative ≤). `errCode` is the gateway's answer.
 */
export function refundSplitProblem(
  split: OrderSplit,
  earlier: readonly RefundSplit[],
  refundAmount: number,
  platformAmount: number | null,
  subOrders: readonly Share[],
): { errCode: 'BAD_REQUEST' | 'OPERATION_NOT_ALLOWED'; errMsg: string } | null {
  if (platformAmount === null) return { errCode: 'BAD_REQUEST', errMsg: '分账交易退款 platformAmount 必传' }
  if (subOrders.length > 1) return { errCode: 'BAD_REQUEST', errMsg: '一次只能对一个子商户进行退款' }
  const sum = subOrders.reduce((s, x) => s + x.totalAmount, 0) + platformAmount
  if (sum !== refundAmount)
    return {
      errCode: 'BAD_REQUEST',
      errMsg: `refundAmount ${refundAmount} 须等于 subOrders 的 totalAmount 之和 + platformAmount（${sum}）`,
    }
  const platformDone = earlier.reduce((s, r) => s + r.platformAmount, 0)
  if (platformDone + platformAmount > split.platformAmount) {
    return {
      errCode: 'OPERATION_NOT_ALLOWED',
      errMsg: `平台商户退款分账金额累计 ${platformDone + platformAmount} 超过下单时的 ${split.platformAmount}`,
    }
  }
  for (const x of subOrders) {
    const share = split.shares.find((s) => s.mid === x.mid)
    if (!share) return { errCode: 'BAD_REQUEST', errMsg: `子商户 ${x.mid} 不在原交易的分账中` }
    const done = earlier.reduce(
      (s, r) => s + r.subOrders.filter((y) => y.mid === x.mid).reduce((t, y) => t + y.totalAmount, 0),
      0,
    )
    if (done + x.totalAmount > share.totalAmount) {
      return {
        errCode: 'OPERATION_NOT_ALLOWED',
        errMsg: `子商户 ${x.mid} 退款累计 ${done + x.totalAmount} 超过其分账金额 ${share.totalAmount}`,
      }
    }
  }
  return null
}
