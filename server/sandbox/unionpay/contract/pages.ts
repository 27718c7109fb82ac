import type { FastifyInstance, FastifyReply } from 'fastify'
import { escapeHtml, phonePage } from '../../../http/html.ts'
import type { SandboxContext } from '../../context.ts'
import { encodeQuery } from '../query.ts'
import type { UnionpaySandboxState } from '../state.ts'
import { SANDBOX_PLANS, type SandboxPlan } from './state.ts'
import { LEAVE_SCRIPT_TAG } from '../../leave.ts'

export const maskOpenId = (openId: string) => `${openId.slice(0, 6)}…${openId.slice(-4)}`

const SIGN_PAGE_STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Noto Sans CJK SC',sans-serif;background:#f5f6f8;color:#1f2329}
.wrap{max-width:430px;margin:0 auto;min-height:100vh;padding:0 0 24px}
header{background:#e60012;color:#fff;padding:14px 16px;font-size:17px;font-weight:600;text-align:center}
.sbx{background:#fff7e6;color:#8a5a00;font-size:12px;padding:6px 16px;text-align:center}
.card{background:#fff;border-radius:12px;margin:12px;padding:16px}
h1{font-size:19px;margin:0 0 6px}.muted{color:#6b7280;font-size:14px}
.row{display:flex;justify-content:space-between;align-items:center;min-height:44px;border-bottom:1px solid #eee;gap:12px}.row:last-child{border:0}
.row b{font-weight:600}
label.user{display:flex;align-items:center;gap:10px;min-height:48px;border-bottom:1px solid #eee}label.user:last-child{border:0}
label.user input{width:20px;height:20px}
.btn{display:block;width:100%;min-height:46px;border:0;border-radius:23px;background:#e60012;color:#fff;font-size:16px;margin-top:12px;cursor:pointer}
.btn.ghost{background:#fff;color:#e60012;border:1px solid #e60012}
.err{color:#dc2626;font-weight:600}.ok{color:#16a34a}
.terms{font-size:12px;color:#6b7280;line-height:1.6}
code{word-break:break-all;font-size:12px}`

/** The phone-sized shell of the 无感支付 pages (sign page and the 云闪付-side relieve page). */
export function page(title: string, body: string): string {
  return phonePage(title, SIGN_PAGE_STYLE, `<div class="wrap">${body}</div>`)
}

function errorPage(reply: FastifyReply, resp: string, msg: string) {
  return reply
    .status(400)
    .type('text/html; charset=utf-8')
    .send(
      page(
        '签约失败',
        `<header>云闪付 · 无感支付</header><div class="sbx">沙箱 · 模拟页面</div>
<div class="card"><h1 class="err">无法打开签约页</h1><p>${escapeHtml(msg)}</p><p class="muted">错误码 <code id="resp">${escapeHtml(resp)}</code></p></div>`,
      ),
    )
}

interface SignQuery {
  appId?: string
  redirectUri?: string
  responseType?: string
  scope?: string
  planId?: string
  state?: string
  /** sandbox only: the app's logged-in openId, preselected so a consent matches the session */
  sandboxOpenId?: string
}

/** Checks the sign page's parameters like the real page; returns the plan and redirect URL or an error. */
function checkSignRequest(
  q: SignQuery,
  state: UnionpaySandboxState,
): { plan: SandboxPlan; redirect: URL; stateParam: string | undefined } | { resp: string; msg: string } {
  if (!q.appId) return { resp: 'N62100', msg: '商户appId不能为空' }
  if (q.appId !== state.app.appId) return { resp: 'N62126', msg: '缓存中不包含此商户appId' }
  if (!q.redirectUri) return { resp: 'N62111', msg: 'redirectUri不能为空' }
  if (q.responseType !== 'code') return { resp: 'N62105', msg: 'responseType应为固定值code' }
  if (!q.scope) return { resp: 'N62103', msg: 'scope不能为空' }
  if (q.scope !== 'upapi_contract') return { resp: 'N62131', msg: '签约页只接受 scope=upapi_contract' }
  if (!q.planId) return { resp: 'N62114', msg: 'planId不能为空' }
  const plan = SANDBOX_PLANS.find((p) => p.planId === q.planId)
  if (!plan) return { resp: 'N62137', msg: `获取签约商户信息异常：没有签约模板 ${q.planId}` }
  let redirect: URL
  try {
    redirect = new URL(q.redirectUri)
  } catch {
    return { resp: 'N62132', msg: 'redirectUri 不是合法的 URL' }
  }
  if (!/^https?:$/.test(redirect.protocol) || !state.app.oauthHosts.includes(redirect.hostname)) {
    return { resp: 'N62132', msg: '不支持此访问域名（redirectUri 的域名不是申请表中的联登授权域名）' }
  }
  if (q.state !== undefined && !/^[A-Za-z0-9]{1,128}$/.test(q.state)) {
    return { resp: 'N62116', msg: 'state 只能是 a-zA-Z0-9，最多128字节' }
  }
  return { plan, redirect, stateParam: q.state }
}

function backTo(redirect: URL, params: Record<string, string>): string {
  const sep = redirect.search ? '&' : '?'
  const base = redirect.toString().replace(/#.*$/, '')
  return `${base}${sep}${encodeQuery(params)}`
}

/** The 无感支付 sign page `/s/open/noPwd/html/open.html` (GET shows it, POST is the user's answer). */
export function registerContractPages(app: FastifyInstance, ctx: SandboxContext): void {
  const state = ctx.unionpay

  app.get<{ Querystring: SignQuery }>('/s/open/noPwd/html/open.html', async (req, reply) => {
    const checked = checkSignRequest(req.query, state)
    if ('resp' in checked) return errorPage(reply, checked.resp, checked.msg)
    const { plan } = checked
    const hidden = (['appId', 'redirectUri', 'responseType', 'scope', 'planId', 'state'] as const)
      .map((k) =>
        req.query[k] === undefined
          ? ''
          : `<input type="hidden" name="${k}" value="${escapeHtml(String(req.query[k]))}">`,
      )
      .join('')
    const all = [...state.users.values()]
    const preselected = Math.max(
      0,
      all.findIndex((u) => u.openId === req.query.sandboxOpenId),
    )
    const users = all
      .map(
        (u, i) =>
          `<label class="user"><input type="radio" name="openId" value="${escapeHtml(u.openId)}"${i === preselected ? ' checked' : ''}>
<span><b>${escapeHtml(u.nickName)}</b><br><span class="muted">${escapeHtml(maskOpenId(u.openId))}</span></span></label>`,
      )
      .join('')
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8')
    return page(
      '开通无感支付',
      `<header>云闪付 · 开通无感支付</header><div class="sbx">沙箱 · 模拟云闪付签约页</div>
<form method="post" action="open.html" data-leave>${hidden}
<div class="card"><div class="muted">${escapeHtml(state.app.name)} 申请开通</div>
<h1 id="plan-title">${escapeHtml(plan.title)}</h1><p class="muted">${escapeHtml(plan.content)}</p>
<div class="row"><span>单笔限额</span><b id="single-limit">${escapeHtml(plan.singleLimit)}</b></div>
<div class="row"><span>单日限额</span><b id="daily-limit">${escapeHtml(plan.dailyLimit)}</b></div>
<div class="row"><span>扣款顺序</span><span class="muted">按云闪付中银行卡排列顺序依次扣款</span></div></div>
<div class="card"><div class="muted">以哪位沙箱用户签约</div>${users}</div>
<div class="card"><p class="terms">开通后，商户可凭签约协议在上述限额内发起免密扣款；您可随时在商户页面或云闪付「设置-支付设置-无感支付」中关闭。</p>
<button class="btn" type="submit" name="action" value="agree" id="agree">同意签约</button>
<button class="btn ghost" type="submit" name="action" value="cancel" id="cancel">取消</button></div>
</form>${LEAVE_SCRIPT_TAG}`,
    )
  })

  app.post<{ Body: SignQuery & { openId?: string; action?: string } }>(
    '/s/open/noPwd/html/open.html',
    async (req, reply) => {
      const body = (req.body ?? {}) as SignQuery & { openId?: string; action?: string }
      const checked = checkSignRequest(body, state)
      if ('resp' in checked) return errorPage(reply, checked.resp, checked.msg)
      const st: Record<string, string> = checked.stateParam !== undefined ? { state: checked.stateParam } : {}
      if (body.action !== 'agree') {
        return reply.redirect(
          backTo(checked.redirect, { ...st, errmsg: '用户不同意授权[user0001]', errorcode: 'user0001' }),
          302,
        )
      }
      const user = body.openId ? state.users.get(body.openId) : undefined
      if (!user) return errorPage(reply, 'N62110', '请选择一位沙箱用户')
      const code = state.issueCode({
        openId: user.openId,
        scope: 'upapi_contract',
        planId: checked.plan.planId,
        redirectUri: checked.redirect.toString(),
      })
      return reply.redirect(backTo(checked.redirect, { code: code.code, ...st }), 302)
    },
  )
}
