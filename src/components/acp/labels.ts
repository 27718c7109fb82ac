import type { AcpOrder, AcpStatus } from '@/stores/acp'

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
