import { createPrivateKey, randomInt } from 'node:crypto'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { signNotification } from '../../crypto/rsa.ts'
import { createNonceStr } from '../../crypto/signing.ts'
import type { SandboxContext } from '../context.ts'
import { checkBackendToken, fail, missing, ok, type ApiHandler, type ApiReply } from './api.ts'
import type { UnionpaySandboxState } from './state.ts'
import { escapeHtml, phonePage } from '../../http/html.ts'

/** The sandbox's 签约模板 table (what 附录1 of the product manual asks a partner to fill in). */
export interface SandboxPlan {
  planId: string
  title: string
  content: string
  /** 单用户单笔限额 / 单日限额, as shown on the sign page. */
  singleLimit: string
  dailyLimit: string
}

export const SANDBOX_PLANS: readonly SandboxPlan[] = [
  { planId: 'PLAN0001', title: '公交地铁 先乘车后付费', content: '乘车后按实际车费自动扣款，无需输入密码', singleLimit: '200.00 元', dailyLimit: '500.00 元' },
  { planId: 'PLAN0002', title: '无感停车', content: '车辆离场时自动扣缴停车费', singleLimit: '500.00 元', dailyLimit: '1000.00 元' },
]

export interface SandboxContract {
  contractId: string
  /** The contractCode of the apply that created it, and of any apply that found it already signed. */
  contractCodes: string[]
  appId: string
  openId: string
  planId: string
  /** contract.info's contractStatus: 1 signed, 3 relieved. */
  status: '1' | '3'
  signedAt: number
  relievedAt: number | null
  relievedBy: 'partner' | 'cloudpay' | null
}

export interface SentNotification {
  at: number
  contractId: string
  method: 'GET' | 'POST'
  params: Record<string, string>
  httpStatus: number | null
  answer: string
}

/** What the simulated platform remembers about 无感支付. */
export class SandboxContracts {
  readonly contracts = new Map<string, SandboxContract>()
  /** contract.status's `enable` per openId (a string: tests may make it non-numeric). */
  readonly unfinished = new Map<string, string>()
  /** One scripted failure per API, spent by the next call. */
  readonly failNext = new Map<string, { resp: string; msg: string }>()
  readonly notifications: SentNotification[] = []
  /** When false every contract.* API answers N62131 (the app lacks 无感支付 permission). */
  permitted = true

  newContractId(): string {
    for (;;) {
      let id = '62184'
      for (let i = 0; i < 14; i++) id += String(randomInt(10))
      if (!this.contracts.has(id)) return id
    }
  }

  find(openId: string, planId: string, status?: '1' | '3'): SandboxContract | undefined {
    let found: SandboxContract | undefined
    for (const c of this.contracts.values()) {
      if (c.openId === openId && c.planId === planId && (!status || c.status === status)) {
        if (!found || c.signedAt >= found.signedAt) found = c
      }
    }
    return found
  }
}

const registry = new WeakMap<SandboxContext, SandboxContracts>()

/** The 无感支付 state of a running sandbox (for tests). */
export function sandboxContracts(ctx: SandboxContext): SandboxContracts {
  let s = registry.get(ctx)
  if (!s) {
    s = new SandboxContracts()
    registry.set(ctx, s)
  }
  return s
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
function beijing(now: number): Date {
  return new Date(now + 8 * 3600_000)
}
/** `yyyyMMddHHmmss` as in the seed's contract.apply example. */
function compactTime(now: number): string {
  const d = beijing(now)
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
}
/** `yyyy-MM-dd HH:mm:ss` as in the relieve and notification examples. */
function dashedTime(now: number): string {
  return beijing(now).toISOString().slice(0, 19).replace('T', ' ')
}


const maskOpenId = (openId: string) => `${openId.slice(0, 6)}…${openId.slice(-4)}`

function contractApis(s: SandboxContracts): Record<string, ApiHandler> {
  const gate = (api: string, body: Record<string, unknown>, state: UnionpaySandboxState, rules: ReadonlyArray<readonly [string, string, string]>): ApiReply | null => {
    const m = missing(body, rules)
    if (m) return m
    const bad = checkBackendToken(body, state)
    if (bad) return bad
    if (!s.permitted) return fail('N62131', '无权限访问此接口（请检查授权联登上送scope是否正确，咨询业务人员是否具有该接口调用权限）')
    const scripted = s.failNext.get(api)
    if (scripted) {
      s.failNext.delete(api)
      return fail(scripted.resp, scripted.msg)
    }
    return null
  }
  const APP = ['appId', 'N62100', '商户appId不能为空'] as const
  const TOKEN = ['backendToken', 'N62101', 'backendToken不能为空'] as const
  const OPENID = ['openId', 'N62110', 'openId不能为空'] as const
  const PLAN = ['planId', 'N62114', 'planId不能为空'] as const
  const CODE = ['contractCode', 'N62113', 'contractCode不能为空'] as const
  const CID = ['contractId', 'N62115', 'contractId不能为空'] as const

  return {
    'contract.apply'(body, state) {
      const bad = gate('contract.apply', body, state, [APP, ['accessToken', 'N62109', 'accessToken不能为空'], OPENID, TOKEN, PLAN, CODE])
      if (bad) return bad
      const openId = String(body.openId)
      const planId = String(body.planId)
      const contractCode = String(body.contractCode)
      const token = state.accessTokenFor(body.accessToken, openId)
      if (!token) return fail('N62109', 'accessToken不合法、已过期或不属于该openId')
      if (token.scope !== 'upapi_contract') {
        return fail('N62131', '无权限访问此接口（请检查授权联登上送scope是否正确，咨询业务人员是否具有该接口调用权限）')
      }
      if (!SANDBOX_PLANS.some((p) => p.planId === planId)) return fail('N62137', '获取签约商户信息异常：planId 不是本商户的签约模板')
      const agreed = [...state.codes.values()].some(
        (c) => c.used && c.openId === openId && c.planId === planId && c.scope === 'upapi_contract',
      )
      if (!agreed) return fail('N62137', '获取签约商户信息异常：用户未在签约页同意此签约模板')
      const now = state.clock()
      let c = s.find(openId, planId, '1')
      if (c) {
        if (!c.contractCodes.includes(contractCode)) c.contractCodes.push(contractCode)
      } else {
        c = {
          contractId: s.newContractId(),
          contractCodes: [contractCode],
          appId: state.app.appId,
          openId,
          planId,
          status: '1',
          signedAt: now,
          relievedAt: null,
          relievedBy: null,
        }
        s.contracts.set(c.contractId, c)
      }
      return ok({ contractCode, contractId: c.contractId, openId, operationTime: compactTime(now), planId })
    },
    'contract.relieve'(body, state) {
      const bad = gate('contract.relieve', body, state, [APP, OPENID, TOKEN, CID, PLAN, CODE])
      if (bad) return bad
      const c = s.contracts.get(String(body.contractId))
      if (!c || c.openId !== body.openId || c.planId !== body.planId || !c.contractCodes.includes(String(body.contractCode))) {
        return fail('N62137', '获取签约商户信息异常：签约关系不存在（contractId / openId / planId / contractCode 不匹配）')
      }
      const now = state.clock()
      if (c.status === '1') {
        c.status = '3'
        c.relievedAt = now
        c.relievedBy = 'partner'
      }
      return ok({ contractCode: String(body.contractCode), openId: c.openId, operationTime: dashedTime(c.relievedAt ?? now), planId: c.planId })
    },
    'contract.info'(body, state) {
      const bad = gate('contract.info', body, state, [APP, OPENID, TOKEN, PLAN])
      if (bad) return bad
      const c = s.find(String(body.openId), String(body.planId))
      return ok({ contractId: c?.contractId ?? '', contractStatus: c?.status ?? '' })
    },
    'contract.status'(body, state) {
      const bad = gate('contract.status', body, state, [APP, OPENID, TOKEN])
      if (bad) return bad
      return ok({ enable: s.unfinished.get(String(body.openId)) ?? '0' })
    },
  }
}

/** The 解约结果通知 as the platform sends it (5.4.3.4), signed with the platform's private key. */
export function relieveNotificationParams(c: SandboxContract, now: number, privateKeyPem: string): Record<string, string> {
  const params: Record<string, string> = {
    appId: c.appId,
    timestamp: String(Math.floor(now / 1000)),
    nonceStr: createNonceStr(),
    operateTime: dashedTime(c.relievedAt ?? now),
    openId: c.openId,
    trid: '62009000052',
    contractId: c.contractId,
  }
  params.signature = signNotification(params, createPrivateKey(privateKeyPem))
  return params
}

/** encodeURIComponent for every value: spaces as %20 and `+` as %2B. */
const encodeParams = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')

async function sendNotification(
  ctx: SandboxContext,
  s: SandboxContracts,
  c: SandboxContract,
  params: Record<string, string>,
  method: 'GET' | 'POST',
): Promise<SentNotification> {
  const url = `${ctx.appBaseUrl}/notify/unionpay/contract`
  const sent: SentNotification = { at: ctx.clock(), contractId: c.contractId, method, params, httpStatus: null, answer: '' }
  try {
    const res =
      method === 'GET'
        ? await fetch(`${url}?${encodeParams(params)}`, { signal: AbortSignal.timeout(10_000) })
        : await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: JSON.stringify(params),
            signal: AbortSignal.timeout(10_000),
          })
    sent.httpStatus = res.status
    sent.answer = (await res.text()).slice(0, 500)
  } catch (err) {
    sent.answer = `network error: ${(err as Error).message}`
  }
  s.notifications.push(sent)
  if (s.notifications.length > 500) s.notifications.splice(0, s.notifications.length - 500)
  return sent
}

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

function page(title: string, body: string): string {
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
}

/** Checks the sign page's parameters like the real page; returns the plan and redirect URL or an error. */
function checkSignRequest(q: SignQuery, state: UnionpaySandboxState):
  | { plan: SandboxPlan; redirect: URL; stateParam: string | undefined }
  | { resp: string; msg: string } {
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
  return `${base}${sep}${encodeParams(params)}`
}

/** The 无感支付 sign page, contract.* APIs and the relieve notification (issue 4). */
export function registerSandboxContract(app: FastifyInstance, apis: Map<string, ApiHandler>, ctx: SandboxContext): void {
  const s = sandboxContracts(ctx)
  const state = ctx.unionpay
  for (const [name, handler] of Object.entries(contractApis(s))) apis.set(name, handler)

  app.get<{ Querystring: SignQuery }>('/s/open/noPwd/html/open.html', async (req, reply) => {
    const checked = checkSignRequest(req.query, state)
    if ('resp' in checked) return errorPage(reply, checked.resp, checked.msg)
    const { plan } = checked
    const hidden = (['appId', 'redirectUri', 'responseType', 'scope', 'planId', 'state'] as const)
      .map((k) => (req.query[k] === undefined ? '' : `<input type="hidden" name="${k}" value="${escapeHtml(String(req.query[k]))}">`))
      .join('')
    const users = [...state.users.values()]
      .map(
        (u, i) =>
          `<label class="user"><input type="radio" name="openId" value="${escapeHtml(u.openId)}"${i === 0 ? ' checked' : ''}>
<span><b>${escapeHtml(u.nickName)}</b><br><span class="muted">${escapeHtml(maskOpenId(u.openId))}</span></span></label>`,
      )
      .join('')
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8')
    return page(
      '开通无感支付',
      `<header>云闪付 · 开通无感支付</header><div class="sbx">沙箱 · 模拟云闪付签约页</div>
<form method="post" action="open.html">${hidden}
<div class="card"><div class="muted">${escapeHtml(state.app.name)} 申请开通</div>
<h1 id="plan-title">${escapeHtml(plan.title)}</h1><p class="muted">${escapeHtml(plan.content)}</p>
<div class="row"><span>单笔限额</span><b id="single-limit">${escapeHtml(plan.singleLimit)}</b></div>
<div class="row"><span>单日限额</span><b id="daily-limit">${escapeHtml(plan.dailyLimit)}</b></div>
<div class="row"><span>扣款顺序</span><span class="muted">按云闪付中银行卡排列顺序依次扣款</span></div></div>
<div class="card"><div class="muted">以哪位沙箱用户签约</div>${users}</div>
<div class="card"><p class="terms">开通后，商户可凭签约协议在上述限额内发起免密扣款；您可随时在商户页面或云闪付「设置-支付设置-无感支付」中关闭。</p>
<button class="btn" type="submit" name="action" value="agree" id="agree">同意签约</button>
<button class="btn ghost" type="submit" name="action" value="cancel" id="cancel">取消</button></div>
</form>`,
    )
  })

  app.post<{ Body: SignQuery & { openId?: string; action?: string } }>('/s/open/noPwd/html/open.html', async (req, reply) => {
    const body = (req.body ?? {}) as SignQuery & { openId?: string; action?: string }
    const checked = checkSignRequest(body, state)
    if ('resp' in checked) return errorPage(reply, checked.resp, checked.msg)
    const st: Record<string, string> = checked.stateParam !== undefined ? { state: checked.stateParam } : {}
    if (body.action !== 'agree') {
      return reply.redirect(backTo(checked.redirect, { ...st, errmsg: '用户不同意授权[user0001]', errorcode: 'user0001' }), 302)
    }
    const user = body.openId ? state.users.get(body.openId) : undefined
    if (!user) return errorPage(reply, 'N62110', '请选择一位沙箱用户')
    const code = state.issueCode({ openId: user.openId, scope: 'upapi_contract', planId: checked.plan.planId, redirectUri: checked.redirect.toString() })
    return reply.redirect(backTo(checked.redirect, { code: code.code, ...st }), 302)
  })

  // ---- controls: act "from the 云闪付 side" and look inside (tests and the demo) ----

  const relieveFromCloudpay = async (contractId: string, method: 'GET' | 'POST') => {
    const c = s.contracts.get(contractId)
    if (!c) return null
    if (c.status === '1') {
      c.status = '3'
      c.relievedAt = ctx.clock()
      c.relievedBy = 'cloudpay'
    }
    const params = relieveNotificationParams(c, ctx.clock(), ctx.rsaPrivateKeyPem)
    return { contract: c, notification: await sendNotification(ctx, s, c, params, method) }
  }

  const listContracts = () =>
    [...s.contracts.values()].map((c) => ({
      contractId: c.contractId,
      contractCodes: c.contractCodes,
      openId: c.openId,
      planId: c.planId,
      contractStatus: c.status,
      signedAt: c.signedAt,
      relievedAt: c.relievedAt,
      relievedBy: c.relievedBy,
    }))

  app.get('/__control/contracts', async () => ({ contracts: listContracts(), notifications: s.notifications }))

  app.post<{ Body: { contractId?: unknown; method?: unknown } }>('/__control/contract/relieve', async (req, reply) => {
    const b = (req.body ?? {}) as { contractId?: unknown; method?: unknown }
    if (typeof b.contractId !== 'string') return reply.status(400).send({ error: { code: 'INVALID_INPUT', message: 'contractId 必填' } })
    const method = b.method === 'POST' ? 'POST' : 'GET'
    const r = await relieveFromCloudpay(b.contractId, method)
    if (!r) return reply.status(404).send({ error: { code: 'NO_CONTRACT', message: '沙箱中没有这个 contractId' } })
    return { contractId: r.contract.contractId, contractStatus: r.contract.status, notification: r.notification }
  })

  app.post<{ Body: { openId?: unknown; enable?: unknown } }>('/__control/contract/unfinished', async (req, reply) => {
    const b = (req.body ?? {}) as { openId?: unknown; enable?: unknown }
    if (typeof b.openId !== 'string' || (typeof b.enable !== 'string' && typeof b.enable !== 'number')) {
      return reply.status(400).send({ error: { code: 'INVALID_INPUT', message: 'openId 与 enable 必填' } })
    }
    s.unfinished.set(b.openId, String(b.enable))
    return { ok: true }
  })

  app.post<{ Body: { api?: unknown; resp?: unknown; msg?: unknown } }>('/__control/contract/fail-next', async (req, reply) => {
    const b = (req.body ?? {}) as { api?: unknown; resp?: unknown; msg?: unknown }
    if (typeof b.api !== 'string' || !b.api.startsWith('contract.') || typeof b.resp !== 'string') {
      return reply.status(400).send({ error: { code: 'INVALID_INPUT', message: 'api（contract.*）与 resp 必填' } })
    }
    s.failNext.set(b.api, { resp: b.resp, msg: typeof b.msg === 'string' ? b.msg : '沙箱脚本化失败' })
    return { ok: true }
  })

  app.post<{ Body: { permitted?: unknown } }>('/__control/contract/permission', async (req) => {
    s.permitted = (req.body as { permitted?: unknown } | undefined)?.permitted !== false
    return { permitted: s.permitted }
  })

  // A phone-sized "云闪付-设置-支付设置-无感支付" page for demos: relieve from the 云闪付 side.
  app.get('/__control/contract', async (_req, reply) => {
    const rows = listContracts()
      .filter((c) => c.contractStatus === '1')
      .map((c) => {
        const plan = SANDBOX_PLANS.find((p) => p.planId === c.planId)
        const user = state.users.get(c.openId)
        return `<div class="card"><h1>${escapeHtml(plan?.title ?? c.planId)}</h1>
<div class="row"><span>用户</span><span>${escapeHtml(user?.nickName ?? maskOpenId(c.openId))}</span></div>
<div class="row"><span>协议号</span><code>${escapeHtml(c.contractId)}</code></div>
<form method="post" action="contract/relieve-form"><input type="hidden" name="contractId" value="${escapeHtml(c.contractId)}">
<button class="btn ghost" type="submit">在云闪付侧解约</button></form></div>`
      })
      .join('')
    reply.header('cache-control', 'no-store').type('text/html; charset=utf-8')
    return page(
      '无感支付管理',
      `<header>云闪付 · 设置 · 无感支付</header><div class="sbx">沙箱 · 模拟云闪付 App 内的解约入口</div>${
        rows || '<div class="card muted">没有已签约的无感支付</div>'
      }`,
    )
  })

  app.post<{ Body: { contractId?: string } }>('/__control/contract/relieve-form', async (req, reply) => {
    const id = (req.body as { contractId?: string } | undefined)?.contractId
    if (typeof id === 'string') await relieveFromCloudpay(id, 'GET')
    return reply.redirect('../contract', 303)
  })
}
