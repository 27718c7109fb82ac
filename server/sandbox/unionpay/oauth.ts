import { generateKeyPairSync } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SandboxContext } from '../context.ts'
import { platformNonce, signAsPlatform } from '../crypto/open-platform.ts'
import { encryptForPartner } from '../crypto/tdes.ts'
import { checkBackendToken, fail, missing, ok, type ApiReply, type ApiTable } from './api.ts'
import type { AccessToken, SandboxUser, UnionpaySandboxState } from './state.ts'
import { escapeHtml, phonePage } from '../../http/html.ts'
import { LEAVE_SCRIPT_TAG } from '../leave.ts'

type PageKind = 'inapp' | 'outapp'

const PAGE_SCOPES: Record<PageKind, readonly string[]> = {
  inapp: ['upapi_base', 'upapi_mobile', 'upapi_auth'],
  outapp: ['upapi_login', 'upapi_user'],
}

const SCOPE_TEXT: Readonly<Record<string, string>> = {
  upapi_base: '获取你的云闪付用户标识（openId）',
  upapi_login: '使用你的云闪付账号登录',
  upapi_mobile: '获取你的手机号',
  upapi_auth: '获取你的实名信息（姓名、证件号），以及手机号（可选）',
  upapi_user: '使用你的云闪付账号登录，并获取实名信息（姓名、证件号）',
}

const MOBILE_SCOPES = new Set(['upapi_mobile', 'upapi_auth', 'upapi_user'])
const IDENTITY_SCOPES = new Set(['upapi_auth', 'upapi_user'])
/** The 联登 user the tester picked last (the sandbox's "logged-in 云闪付 user"). */
const USER_COOKIE = 'upkit_sbx_user'
const REFUSED = { errorcode: 'user0001', errmsg: '用户不同意授权[user0001]' }

interface AuthorizeRequest {
  appId: string
  redirectUri: string
  scope: string
  state: string
}

type Checked = { ok: true; req: AuthorizeRequest } | { ok: false; code: string; message: string }

const str = (v: unknown): string => (typeof v === 'string' ? v : '')

/** The checks of the platform's authorize pages, with its error codes. */
export function checkAuthorizeRequest(
  input: Record<string, unknown>,
  kind: PageKind,
  state: UnionpaySandboxState,
): Checked {
  const appId = str(input.appId)
  const redirectUri = str(input.redirectUri)
  const responseType = str(input.responseType)
  const scope = str(input.scope)
  const st = str(input.state)
  if (!appId) return { ok: false, code: 'N62100', message: '商户appId不能为空' }
  if (appId !== state.app.appId) return { ok: false, code: 'N62126', message: 'appId 不合法：缓存中不包含此商户appId' }
  if (responseType !== 'code') return { ok: false, code: 'N62105', message: 'responseType应为固定值code' }
  if (!scope) return { ok: false, code: 'N62103', message: 'scope不能为空' }
  if (!PAGE_SCOPES[kind].includes(scope)) {
    return {
      ok: false,
      code: 'N62131',
      message: `不合法scope：${scope.slice(0, 40)}（此页面只支持 ${PAGE_SCOPES[kind].join('、')}）`,
    }
  }
  if (!redirectUri) return { ok: false, code: 'N62111', message: 'redirectUri不能为空' }
  let url: URL
  try {
    url = new URL(redirectUri)
  } catch {
    return { ok: false, code: 'N62132', message: '授权回调url不支持：redirectUri 不是完整的地址' }
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !state.app.oauthHosts.includes(url.hostname)) {
    return {
      ok: false,
      code: 'N62132',
      message: `授权回调url不支持：${url.hostname} 不是申请表中的联登授权域名（${state.app.oauthHosts.join('、')}）`,
    }
  }
  if (st && !/^[A-Za-z0-9]{1,128}$/.test(st)) {
    return { ok: false, code: 'STATE', message: 'state 只能是 a-zA-Z0-9，最多 128 字节' }
  }
  return { ok: true, req: { appId, redirectUri, scope, state: st } }
}

/** `redirectUri?code=...&state=...`; values encoded with encodeURIComponent as the platform does. */
export function appendParams(redirectUri: string, pairs: ReadonlyArray<readonly [string, string]>): string {
  const hash = redirectUri.indexOf('#')
  const base = hash >= 0 ? redirectUri.slice(0, hash) : redirectUri
  const q = pairs
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&')
  return `${base}${base.includes('?') ? '&' : '?'}${q}`
}

const maskMobile = (m: string) => (m ? `${m.slice(0, 3)}****${m.slice(-4)}` : '无手机号')

const PAGE_STYLE = `
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;background:#f5f6f8;color:#1f2329}
main{max-width:430px;margin:0 auto;min-height:100vh;background:#fff;display:flex;flex-direction:column}
header{background:#e60012;color:#fff;padding:14px 16px;font-size:17px;font-weight:600}
.body{padding:24px 16px;flex:1}
.app{font-size:20px;font-weight:600;margin:0 0 6px}
.lead{color:#6b7280;margin:0 0 16px;font-size:15px}
ul{padding:0;margin:0 0 20px;list-style:none}
li{padding:12px 0;border-bottom:1px solid #e5e7eb;font-size:15px}
li::before{content:'✓ ';color:#16a34a}
label{display:block;font-size:14px;color:#6b7280;margin:12px 0 6px}
select{width:100%;min-height:44px;font-size:16px;border:1px solid #e5e7eb;border-radius:8px;padding:0 8px;background:#fff}
.check{display:flex;align-items:center;gap:8px;min-height:44px;color:#1f2329;font-size:15px}
.check input{width:22px;height:22px}
.actions{padding:16px;display:flex;flex-direction:column;gap:12px}
button{min-height:44px;border-radius:22px;font-size:16px;border:0;cursor:pointer}
.agree{background:#e60012;color:#fff}
.refuse{background:#fff;color:#e60012;border:1px solid #e60012}
.note{color:#9ca3af;font-size:12px;text-align:center;padding:0 16px 16px}
.err{color:#dc2626}`

function shell(title: string, body: string): string {
  return phonePage(title, PAGE_STYLE, `<main>${body}</main>`)
}

function errorPage(code: string, message: string): string {
  return shell(
    '授权失败',
    `<header>云闪付</header><div class="body" role="alert">
<p class="app">授权失败</p><p class="err" data-testid="sandbox-oauth-error">${escapeHtml(message)}</p>
<p class="lead">错误码：<span data-testid="sandbox-oauth-error-code">${escapeHtml(code)}</span></p></div>
<p class="note">upkit 沙箱 · 模拟的云闪付开放平台</p>`,
  )
}

function consentPage(
  kind: PageKind,
  r: AuthorizeRequest,
  appName: string,
  users: SandboxUser[],
  selected: number,
  action: string,
): string {
  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`
  const options = users
    .map(
      (u, i) =>
        `<option value="${i}"${i === selected ? ' selected' : ''}>${escapeHtml(u.nickName)}（${escapeHtml(maskMobile(u.mobile))}）</option>`,
    )
    .join('')
  const mobileChoice =
    r.scope === 'upapi_auth'
      ? `<label class="check"><input type="checkbox" name="shareMobile" value="1" checked data-testid="share-mobile"> 同时提供我的手机号</label>`
      : hidden('shareMobile', '1')
  const title = kind === 'inapp' ? '授权' : '登录云闪付'
  return shell(
    `云闪付${title}`,
    `<header>云闪付 · ${kind === 'inapp' ? '用户授权' : 'App 外登录'}</header>
<form method="post" action="${escapeHtml(action)}" data-leave>
<div class="body">
<p class="app" data-testid="sandbox-app-name">${escapeHtml(appName)}</p>
<p class="lead">${kind === 'inapp' ? '申请获得以下权限：' : '请使用云闪付账号登录，登录后该应用将获得：'}</p>
<ul><li data-testid="sandbox-scope">${escapeHtml(SCOPE_TEXT[r.scope] ?? r.scope)}</li></ul>
<label for="user">沙箱：选择模拟的云闪付用户</label>
<select id="user" name="user" data-testid="sandbox-user">${options}</select>
${mobileChoice}
${hidden('kind', kind)}${hidden('appId', r.appId)}${hidden('redirectUri', r.redirectUri)}${hidden('responseType', 'code')}${hidden('scope', r.scope)}${hidden('state', r.state)}
</div>
<div class="actions">
<button class="agree" type="submit" name="decision" value="agree">${kind === 'inapp' ? '同意' : '登录并同意'}</button>
<button class="refuse" type="submit" name="decision" value="refuse">拒绝</button>
</div></form>
<p class="note">upkit 沙箱 · 模拟的云闪付开放平台授权页（scope ${escapeHtml(r.scope)}）</p>${LEAVE_SCRIPT_TAG}`,
  )
}

/** The live accessToken and its user, or the platform's error reply. */
function checkUserRequest(
  body: Record<string, unknown>,
  state: UnionpaySandboxState,
): { t: AccessToken; user: SandboxUser } | ApiReply {
  const bad = checkBackendToken(body, state)
  if (bad) return bad
  const m = missing(body, [
    ['accessToken', 'N62109', 'accessToken不能为空'],
    ['openId', 'N62110', 'openId不能为空'],
  ])
  if (m) return m
  // The spec documents no code for an expired accessToken; a31 is the closest one it lists.
  const t = state.accessTokenFor(body.accessToken, body.openId)
  if (!t || t.appId !== state.app.appId)
    return fail('a31', '不合法的accessToken，或已过期（有效期1小时，过期需用户重新授权）')
  const user = state.users.get(t.openId)
  if (!user) return fail('N62110', 'openId不合法')
  return { t, user }
}

/** 5.2: user.mobile and user.auth, fields 3DES-encrypted with the app's symmetricKey. */
export const userApis: ApiTable = {
  'user.mobile'(body, { unionpay: st }) {
    const r = checkUserRequest(body, st)
    if ('resp' in r) return r
    if (!MOBILE_SCOPES.has(r.t.scope)) return fail('N62131', '无权限访问此接口（请检查授权联登上送scope是否正确）')
    if (!r.user.mobile) return fail('N62136', '用户没有手机号')
    if (r.t.mobileGranted === false) return fail('N62135', '用户授权时，没有提供手机号')
    return ok({ mobile: encryptForPartner(r.user.mobile, st.app.symmetricKey) })
  },
  'user.auth'(body, { unionpay: st }) {
    const r = checkUserRequest(body, st)
    if ('resp' in r) return r
    if (!IDENTITY_SCOPES.has(r.t.scope)) return fail('S52131', '无权限访问此接口（请检查授权联登上送scope是否正确）')
    const key = st.app.symmetricKey
    return ok({
      realName: encryptForPartner(r.user.realName, key),
      certTp: encryptForPartner(r.user.certType, key),
      certId: encryptForPartner(r.user.certId, key),
    })
  },
}

/** OAuth2 authorize pages and the auth-revoke notification control (issue 3). */
export function registerSandboxOauth(app: FastifyInstance, ctx: SandboxContext): void {
  const state = ctx.unionpay
  /** A key that is not the platform's, for the forged-notification control (made on first use). */
  let wrongKeyPem: string | undefined
  const aWrongKey = (): string =>
    (wrongKeyPem ??= generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString())
  // The sandbox's 申请表 lists the app's own host as a 联登授权域名, as a real application would:
  // without it, sandbox mode behind any PUBLIC_BASE_URL other than 127.0.0.1/localhost is all N62132.
  const appHost = new URL(ctx.appBaseUrl).hostname
  if (!state.app.oauthHosts.includes(appHost)) state.app.oauthHosts.push(appHost)
  const decideAction = `${new URL(ctx.sandboxBaseUrl).pathname}/unionpay/s/open/oauth/decide`

  const userIndex = (v: unknown): number => {
    const n = Number(typeof v === 'string' ? v : NaN)
    return Number.isInteger(n) && n >= 0 && n < state.users.size ? n : 0
  }
  const usersList = () => [...state.users.values()]

  const sendError = (reply: FastifyReply, code: string, message: string) =>
    reply.status(400).type('text/html; charset=utf-8').send(errorPage(code, message))

  const redirectWithCode = (reply: FastifyReply, r: AuthorizeRequest, user: SandboxUser, mobileGranted: boolean) => {
    const code = state.issueCode({ openId: user.openId, scope: r.scope, redirectUri: r.redirectUri, mobileGranted })
    return reply.redirect(
      appendParams(r.redirectUri, [
        ['code', code.code],
        ['state', r.state],
      ]),
      303,
    )
  }

  const showPage = (kind: PageKind) => async (req: FastifyRequest, reply: FastifyReply) => {
    const checked = checkAuthorizeRequest(req.query as Record<string, unknown>, kind, state)
    if (!checked.ok) return sendError(reply, checked.code, checked.message)
    const selected = userIndex(req.cookies[USER_COOKIE])
    reply.header('cache-control', 'no-store')
    // Base authorisation shows no page on the real platform: straight back with a code.
    if (kind === 'inapp' && checked.req.scope === 'upapi_base') {
      const user = usersList()[selected]
      if (!user) return sendError(reply, 'N62110', '沙箱没有用户')
      return redirectWithCode(reply, checked.req, user, true)
    }
    return reply
      .type('text/html; charset=utf-8')
      .send(consentPage(kind, checked.req, state.app.name, usersList(), selected, decideAction))
  }

  app.get('/s/open/html/oauth.html', showPage('inapp'))
  app.get('/s/open/auth/outApp/html/outLogin.html', showPage('outapp'))

  app.post('/s/open/oauth/decide', async (req, reply) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>
    const kind: PageKind = body.kind === 'outapp' ? 'outapp' : 'inapp'
    const checked = checkAuthorizeRequest(body, kind, state)
    if (!checked.ok) return sendError(reply, checked.code, checked.message)
    const r = checked.req
    if (body.decision !== 'agree') {
      return reply.redirect(
        appendParams(r.redirectUri, [
          ['state', r.state],
          ['errmsg', REFUSED.errmsg],
          ['errorcode', REFUSED.errorcode],
        ]),
        303,
      )
    }
    const index = userIndex(body.user)
    const user = usersList()[index]
    if (!user) return sendError(reply, 'N62110', '沙箱没有这个用户')
    reply.setCookie(USER_COOKIE, String(index), { path: '/sandbox', httpOnly: true, sameSite: 'lax' })
    return redirectWithCode(reply, r, user, r.scope !== 'upapi_auth' || body.shareMobile === '1')
  })

  /**
   * Test/demo control: the user withdraws the authorisation in 云闪付 (安全中心 › 账号授权), so the
   * platform drops their accessTokens and POSTs a signed 用户授权解除通知 to the app.
   * Body: `{openId?, forge?: 'tampered' | 'wrong-key'}` (a forged notification revokes nothing).
   */
  app.post('/__control/auth-revoke', async (req, reply) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>
    const openId = typeof body.openId === 'string' && body.openId ? body.openId : usersList()[0]?.openId
    if (!openId) return reply.status(400).send({ error: { code: 'NO_USER', message: '沙箱没有用户' } })
    const forge = body.forge === 'tampered' || body.forge === 'wrong-key' ? body.forge : undefined
    const params: Record<string, string> = {
      appId: state.app.appId,
      timestamp: String(Math.floor(ctx.clock() / 1000)),
      nonceStr: platformNonce(),
      openId,
    }
    const signature = signAsPlatform(params, forge === 'wrong-key' ? aWrongKey() : ctx.rsaPrivateKeyPem)
    if (forge === 'tampered') params.timestamp = String(Number(params.timestamp) + 1)
    const revokedTokens = forge ? 0 : state.revokeAuthorization(openId)
    const res = await fetch(`${ctx.appBaseUrl}/notify/unionpay/auth-revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...params, signature }),
      signal: AbortSignal.timeout(10_000),
    })
    const text = await res.text()
    let answer: unknown = text
    try {
      answer = JSON.parse(text)
    } catch {
      // not JSON: report the text
    }
    return { openId, forged: forge ?? null, revokedTokens, status: res.status, answer }
  })
}
