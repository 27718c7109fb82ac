import type { ContractInfo, ContractStatus } from '@/stores/contract'

export const STATUS_LABEL: Record<ContractStatus, string> = {
  none: '未开通',
  applying: '开通中',
  signed: '已开通',
  relieved: '已关闭',
  failed: '开通失败',
}

/** Plan ids are the partner's own; the sandbox's two get friendly names, others show the id. */
const PLAN_TITLES: Record<string, string> = {
  PLAN0001: '公交地铁 先乘车后付费',
  PLAN0002: '无感停车',
}

export function planTitle(planId: string): string {
  return PLAN_TITLES[planId] ?? `签约模板 ${planId}`
}

export function relievedByLabel(c: ContractInfo): string {
  if (c.relievedBy === 'user') return '您在本页面关闭'
  if (c.relievedBy === 'platform') return '您在云闪付中关闭'
  return ''
}

export interface ResultMessage {
  tone: 'ok' | 'info' | 'error'
  text: string
}

const ERROR_TEXT: Record<string, string> = {
  STATE_INVALID: '签约请求已失效（超时、重复打开或不是从本页发起），请重新点击开通。',
  WRONG_SCOPE: '云闪付返回的授权不是无感支付授权，请重新开通。',
  NO_CODE: '云闪付没有返回授权码，请重新开通。',
  CONTRACT_BUSY: '上一次开通仍在处理中，请稍候刷新查看结果。',
  UNIONPAY_N62131: '商户暂无无感支付权限（N62131），请联系商户。',
  UNIONPAY_N62137: '云闪付无法读取签约模板（N62137），请稍后重试。',
  UNIONPAY_TIMEOUT: '云闪付响应超时，开通结果待确认，请稍后刷新本页。',
  UNIONPAY_NETWORK: '暂时连不上云闪付，开通结果待确认，请稍后刷新本页。',
  TOKEN_REFRESH_BUSY: '服务繁忙，请稍后重试。',
  NOT_IN_CLOUDPAY: '无感支付只能在云闪付 App 内开通，请在云闪付中打开本页。',
  USER_MISMATCH: '签约的云闪付账号与当前登录账号不一致，未开通。请用同一账号重试。',
}

/** What to tell the user after returning from the sign page (`?contract=...&code=...`). */
export function resultMessage(contract: unknown, code: unknown): ResultMessage | null {
  if (contract === 'signed') return { tone: 'ok', text: '无感支付已开通，小额消费将自动免密扣款。' }
  if (contract === 'cancelled') return { tone: 'info', text: '您已取消签约，未开通无感支付。' }
  if (contract !== 'error') return null
  const c = typeof code === 'string' ? code : ''
  const known = ERROR_TEXT[c]
  if (known) return { tone: 'error', text: known }
  if (c.startsWith('UNIONPAY_'))
    return { tone: 'error', text: `云闪付返回错误（${c.slice(9)}），未能开通，请稍后重试。` }
  if (c.startsWith('PLATFORM_')) return { tone: 'error', text: `云闪付签约页返回错误（${c.slice(9)}），未能开通。` }
  return { tone: 'error', text: `开通失败${c ? `（${c}）` : ''}，请稍后重试。` }
}
