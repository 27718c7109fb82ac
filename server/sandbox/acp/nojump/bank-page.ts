import { escapeHtml as esc, phonePage } from '../../../http/html.ts'

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Noto Sans CJK SC',sans-serif;background:#f2f3f5;color:#1f2329}
.wrap{max-width:430px;margin:0 auto;min-height:100vh;display:flex;flex-direction:column}
header{background:#c8102e;color:#fff;padding:14px 16px;font-size:17px;font-weight:600;display:flex;justify-content:space-between;align-items:center}
header small{font-weight:400;font-size:12px;border:1px solid rgba(255,255,255,.7);border-radius:4px;padding:1px 6px}
.card{background:#fff;margin:12px;border-radius:12px;padding:16px}
.amt{font-size:32px;font-weight:600;text-align:center;margin:4px 0}.muted{color:#4b5563;font-size:14px;text-align:center}
label{display:block;font-size:14px;color:#374151;margin:12px 0 4px}
input{width:100%;min-height:44px;font-size:17px;border:1px solid #d1d5db;border-radius:8px;padding:8px 12px}
.btns{padding:12px;display:flex;flex-direction:column;gap:12px}
button{width:100%;min-height:48px;border-radius:24px;border:0;font-size:17px;cursor:pointer}
.main{background:#c8102e;color:#fff}.second{background:#fff;color:#c8102e;border:1px solid #c8102e}
.err{color:#b91c1c;font-size:15px;margin:8px 12px;text-align:center}
.sms{background:#ecfdf5;color:#065f46;border-radius:8px;padding:10px 12px;font-size:15px;margin-top:12px}
.note{font-size:12px;color:#6b7280;text-align:center;margin:8px 16px}
.ok{font-size:20px;text-align:center;margin:8px 0}`

export interface BankFormView {
  action: string
  title: string
  merchant: string
  /** 分 for 开通并支付, null for 开通. */
  amount: number | null
  values: { pan: string; phone: string; cvn2: string; expired: string }
  sms: { code: string; phone: string } | null
  error: string | null
}

const input = (name: string, label: string, value: string, extra: string) =>
  `<label for="${name}">${label}</label><input id="${name}" name="${name}" value="${esc(value)}" ${extra}>`

/** The simulated issuing bank's page: card, phone, CVN2/expiry (credit), SMS code. */
export function bankFormPage(v: BankFormView): string {
  const amount =
    v.amount === null ? '' : `<div class="amt" data-testid="bank-amount">¥${(v.amount / 100).toFixed(2)}</div>`
  return phonePage(
    v.title,
    STYLE,
    `<div class="wrap"><header>${esc(v.title)}<small>沙箱</small></header>
<div class="card"><div class="muted">${esc(v.merchant)}</div>${amount}
<div class="muted">${v.amount === null ? '开通银联无跳转支付，以后在该商户付款无需再输入卡号' : '开通并支付：付款后这张卡即开通无跳转支付'}</div></div>
${v.error ? `<p class="err" role="alert" data-testid="bank-error">${esc(v.error)}</p>` : ''}
<form method="post" action="${esc(v.action)}">
<div class="card">
${input('pan', '银行卡号', v.values.pan, 'inputmode="numeric" autocomplete="cc-number" data-testid="bank-pan"')}
${input('phone', '银行预留手机号', v.values.phone, 'inputmode="numeric" autocomplete="tel" data-testid="bank-phone"')}
${input('cvn2', 'CVN2（信用卡背面末三位，借记卡不填）', v.values.cvn2, 'inputmode="numeric" data-testid="bank-cvn2"')}
${input('expired', '有效期 YYMM（信用卡，借记卡不填）', v.values.expired, 'inputmode="numeric" data-testid="bank-expired"')}
${
  v.sms
    ? `<div class="sms" data-testid="bank-sms">沙箱短信：验证码 <b data-testid="bank-sms-code">${esc(v.sms.code)}</b> 已发送至 ${esc(v.sms.phone)}</div>
${input('smsCode', '短信验证码', '', 'inputmode="numeric" autocomplete="one-time-code" data-testid="bank-sms-input"')}`
    : ''
}
</div>
<div class="btns">
<button class="${v.sms ? 'second' : 'main'}" name="step" value="sms" data-testid="bank-send-sms">${v.sms ? '重新获取验证码' : '获取短信验证码'}</button>
${v.sms ? `<button class="main" name="step" value="submit" data-testid="bank-submit">${v.amount === null ? '确认开通' : '确认开通并支付'}</button>` : ''}
<button class="second" name="step" value="cancel" data-testid="bank-cancel">取消，返回商户</button>
</div></form>
<p class="note">这是 upkit 内置的发卡行页面模拟器：卡号只在本页输入，不会产生真实扣款。</p></div>`,
  )
}

/** The outcome, with the signed result posted back to the merchant's frontUrl by the buyer's tap. */
export function bankResultPage(ok: boolean, message: string, frontUrl: string, fields: Record<string, string>): string {
  const hidden = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('')
  return phonePage(
    ok ? '开通成功' : '未完成',
    STYLE,
    `<div class="wrap"><header>${ok ? '开通成功' : '未完成'}<small>沙箱</small></header>
<div class="card"><p class="ok" data-testid="bank-result">${esc(message)}</p></div>
<form method="post" action="${esc(frontUrl)}">${hidden}<div class="btns"><button class="main" data-testid="bank-return">返回商户</button></div></form></div>`,
  )
}
