import type { PreauthHoldView } from '@common/api'

/** What the holder reads about a hold (docs/preauth.md). */
export function holdStatusText(h: PreauthHoldView): string {
  if (h.status === 'PENDING') return '冻结处理中'
  if (h.status === 'FAILED') return `冻结失败${h.respMsg ? `：${h.respMsg}` : ''}`
  if (h.status === 'VOIDED') return '已撤销（已解冻）'
  if (h.completion) return '已完成扣款'
  if (h.followUps.some((f) => f.status === 'PENDING')) return '处理中'
  return '冻结中'
}

/** Whether the hold can be completed or voided now (the server checks again). */
export const standing = (h: PreauthHoldView) =>
  h.status === 'SUCCESS' && !h.completion && !h.followUps.some((f) => f.status === 'PENDING')

export const FOLLOW_UP_TEXT: Record<string, string> = {
  hold_void: '撤销预授权',
  completion: '预授权完成',
  completion_void: '撤销完成',
}

export const ORDER_STATUS_TEXT: Record<string, string> = {
  PENDING: '处理中',
  SUCCESS: '成功',
  FAILED: '失败',
  VOIDED: '已撤销',
}
