import { formatFen } from '@/components/pay/money'
import type { AcpOrder, AcpReversal, AcpStatus } from '@/stores/acp'

export const STATUS_TEXT: Record<AcpStatus, string> = {
  PENDING: '处理中',
  SUCCESS: '扣款成功',
  FAILED: '扣款失败',
  VOIDED: '已撤销',
}

/** What the user reads about one consume, refunds included. */
export function statusText(o: Pick<AcpOrder, 'status' | 'refundedAmount' | 'amount' | 'kind'>): string {
  if (o.status === 'SUCCESS' && o.refundedAmount >= o.amount) return '已全额退款'
  if (o.status === 'SUCCESS' && o.refundedAmount > 0) return '部分退款'
  if (o.kind === 'tn' && o.status === 'SUCCESS') return '支付成功'
  return STATUS_TEXT[o.status]
}

export const REVERSAL_KIND: Record<AcpReversal['kind'], string> = { void: '撤销', refund: '退款' }

/** One line per 撤销 / 退款 of a consume: `退款 ¥1.00 · 已完成`; `reason` adds a failure's respMsg (the merchant's view). */
export function reversalText(r: Pick<AcpReversal, 'kind' | 'amount' | 'status' | 'respMsg'>, reason = false): string {
  const state =
    r.status === 'SUCCESS' ? '已完成' : r.status === 'FAILED' ? (reason ? `失败 ${r.respMsg ?? ''}` : '失败') : '处理中'
  return `${REVERSAL_KIND[r.kind]} ¥${formatFen(r.amount)} · ${state}`
}
