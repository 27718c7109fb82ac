import type { OrderStatus } from '@/stores/payment'

export const STATUS_TEXT: Record<OrderStatus, string> = {
  NEW_ORDER: '待支付',
  WAIT_BUYER_PAY: '待支付',
  UNKNOWN: '结果确认中',
  TRADE_SUCCESS: '支付成功',
  TRADE_REFUND: '已退款（部分）',
  TRADE_CLOSED: '已关闭',
}

export const CHANNEL_TEXT: Record<string, string> = {
  uac: '银联云闪付',
  qmf: '银联在线无卡',
  alipay: '支付宝',
  upsdk: '云闪付 App 内支付',
}

/** Seed 2.3 secureStatus, as the merchant reads it. */
export const SECURE_TEXT = {
  UNCOMPLETED: '担保未完成：请担保完成或担保撤销（30 天内未处理将自动撤销，全部退还买家）',
  PARTLY_COMPLETED: '担保已部分完成',
  ALL_COMPLETED: '担保已全部完成，全部金额结算给商户',
  CANCELED: '担保已撤销，全部退还买家',
} as const
