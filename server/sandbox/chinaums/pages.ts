import { escapeHtml as esc, phonePage } from '../../http/html.ts'
import { LEAVE_SCRIPT_TAG } from '../leave.ts'

const yuan = (fen: number) => (fen / 100).toFixed(2)

const CASHIER_STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Noto Sans CJK SC',sans-serif;background:#f2f3f5;color:#1f2329}
.wrap{max-width:430px;margin:0 auto;min-height:100vh;display:flex;flex-direction:column}
header{background:#0b5aa6;color:#fff;padding:14px 16px;font-size:17px;font-weight:600;display:flex;justify-content:space-between;align-items:center}
header small{font-weight:400;font-size:12px;opacity:.8;border:1px solid rgba(255,255,255,.6);border-radius:4px;padding:1px 6px}
.card{background:#fff;margin:12px;border-radius:12px;padding:20px 16px}
.amt{font-size:36px;font-weight:600;text-align:center;margin:6px 0 2px}.amt span{font-size:20px}
.muted{color:#6b7280;font-size:14px;text-align:center}
.row{display:flex;justify-content:space-between;min-height:44px;align-items:center;border-bottom:1px solid #eef0f3;font-size:14px;gap:12px}
.row:last-child{border-bottom:0}.row b{font-weight:500;word-break:break-all;text-align:right}
form{margin:0}.btns{padding:12px;display:flex;flex-direction:column;gap:12px;margin-top:auto;padding-bottom:calc(20px + env(safe-area-inset-bottom))}
button{width:100%;min-height:48px;border-radius:24px;border:0;font-size:17px;cursor:pointer}
.pay{background:#0b5aa6;color:#fff}.cancel{background:#fff;color:#0b5aa6;border:1px solid #0b5aa6}
.err{color:#dc2626;text-align:center;font-size:16px;margin:8px 0}.code{font-family:monospace;text-align:center;color:#6b7280}
.note{font-size:12px;color:#9ca3af;text-align:center;margin:8px 16px}
a.back{display:flex;align-items:center;justify-content:center;min-height:48px;margin:12px;border-radius:24px;border:1px solid #0b5aa6;color:#0b5aa6;text-decoration:none;font-size:17px;background:#fff}`

function layout(title: string, body: string): string {
  return phonePage(title, CASHIER_STYLE, `<div class="wrap">${body}</div>`)
}

export interface CashierView {
  merOrderId: string
  amount: number
  channelName: string
  merchant: string
  payAction: string
  cancelAction: string
  orderDesc: string | undefined
}

/** The phone-sized cashier the three H5 URLs show: 支付 / 取消. */
export function cashierPage(v: CashierView): string {
  return layout(
    `${v.channelName} - 收银台`,
    `<header>${esc(v.channelName)}收银台<small>沙箱</small></header>
<div class="card">
  <div class="muted">${esc(v.merchant)}</div>
  <div class="amt" data-testid="cashier-amount"><span>¥</span>${yuan(v.amount)}</div>
  <div class="muted">${esc(v.orderDesc ?? '商品订单')}</div>
</div>
<div class="card">
  <div class="row"><span>支付方式</span><b>${esc(v.channelName)}</b></div>
  <div class="row"><span>订单号</span><b>${esc(v.merOrderId)}</b></div>
</div>
<p class="note">这是 upkit 内置的银商网关模拟器，不会产生真实扣款。</p>
<div class="btns">
  <form method="post" action="${esc(v.payAction)}" data-leave><input type="hidden" name="merOrderId" value="${esc(v.merOrderId)}"><button class="pay" type="submit">确认支付 ¥${yuan(v.amount)}</button></form>
  <form method="post" action="${esc(v.cancelAction)}" data-leave><input type="hidden" name="merOrderId" value="${esc(v.merOrderId)}"><button class="cancel" type="submit">取消支付</button></form>
</div>${LEAVE_SCRIPT_TAG}`,
  )
}

const backLink = (url: string | undefined) => (url ? `<a class="back" href="${esc(url)}">返回商户</a>` : '')

/** `backUrl`: where 返回商户 leads (the merchant's site); none when unknown. */
export function errorPage(errCode: string, errMsg: string, backUrl?: string): string {
  return layout(
    '支付请求有误',
    `<header>银商收银台<small>沙箱</small></header>
<div class="card"><div class="err">${esc(errMsg)}</div><div class="code">${esc(errCode)}</div></div>${backLink(backUrl)}`,
  )
}

export function donePage(title: string, text: string, backUrl?: string): string {
  return layout(
    title,
    `<header>银商收银台<small>沙箱</small></header><div class="card"><div class="amt" style="font-size:22px">${esc(title)}</div><div class="muted">${esc(text)}</div></div>${backLink(backUrl)}`,
  )
}
