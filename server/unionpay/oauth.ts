import { badRequest } from '../http/errors.ts'
import { safeRedirectPath as sameOriginPath } from '../http/redirect.ts'
import { createNonceStr } from '../crypto/signing.ts'
import { requireSeconds, requireString, type UnionpayClient } from './client.ts'
import type { TokenManager } from './tokens.ts'

/** 云闪付's WebView adds one of these tokens to its user agent (appendix 8, no. 21). */
const CLOUDPAY_UA = /\(com\.unionpay\.(chsp|mobilepay)\)/

export function isCloudpayUserAgent(ua: string | undefined): boolean {
  return !!ua && CLOUDPAY_UA.test(ua)
}

export const IN_APP_PATH = '/s/open/html/oauth.html'
export const OUT_APP_PATH = '/s/open/auth/outApp/html/outLogin.html'

/** In-app scopes (4.1); upapi_login / upapi_user are their out-of-app names. */
const IN_APP_SCOPES: Readonly<Record<string, string>> = {
  upapi_base: 'upapi_base',
  upapi_login: 'upapi_base',
  upapi_mobile: 'upapi_mobile',
  upapi_auth: 'upapi_auth',
  upapi_user: 'upapi_auth',
}
/** Outside 云闪付 only upapi_login (= upapi_base) and upapi_user (= upapi_auth) exist (4.3). */
const OUT_APP_SCOPES: Readonly<Record<string, string>> = {
  upapi_login: 'upapi_login',
  upapi_base: 'upapi_login',
  upapi_user: 'upapi_user',
  upapi_auth: 'upapi_user',
}

/** The scope to send to the platform for this page, or a 400 naming what is allowed. */
export function resolveScope(requested: string | undefined, inApp: boolean): string {
  const scope = (requested ?? '').trim() || 'upapi_base'
  if (scope === 'upapi_contract') {
    throw badRequest('SCOPE_NOT_ALLOWED', 'upapi_contract（无感支付签约）请使用 /api/contract/authorize')
  }
  const table = inApp ? IN_APP_SCOPES : OUT_APP_SCOPES
  const resolved = table[scope]
  if (resolved) return resolved
  if (!inApp && scope in IN_APP_SCOPES) {
    throw badRequest(
      'SCOPE_NOT_ALLOWED',
      `云闪付 App 外只能使用 upapi_login（同 upapi_base）或 upapi_user（同 upapi_auth），不支持 ${scope}；请在云闪付 App 内打开`,
    )
  }
  throw badRequest('SCOPE_INVALID', `不支持的 scope：${scope.slice(0, 40)}（可用：upapi_base、upapi_mobile、upapi_auth）`)
}

export interface AuthorizeUrlInput {
  baseUrl: string
  appId: string
  redirectUri: string
  scope: string
  state: string
  inApp: boolean
}

/** `${base}/s/open/html/oauth.html?appId&redirectUri&responseType=code&scope&state` (or the outApp page). */
export function buildAuthorizeUrl(i: AuthorizeUrlInput): string {
  const q = [
    ['appId', i.appId],
    ['redirectUri', i.redirectUri],
    ['responseType', 'code'],
    ['scope', i.scope],
    ['state', i.state],
  ]
    .map(([k, v]) => `${k}=${encodeURIComponent(v ?? '')}`)
    .join('&')
  return `${i.baseUrl}${i.inApp ? IN_APP_PATH : OUT_APP_PATH}?${q}`
}

/** state: a-zA-Z0-9, at most 128 bytes (4.3); 32 characters from a CSPRNG here. */
export const createState = (): string => createNonceStr(32)
export const STATE_PATTERN = /^[A-Za-z0-9]{1,128}$/

/**
 * The `redirect` of /api/oauth/authorize: a path on this origin, nothing else (no open
 * redirects). Returns the normalised path, or throws a 400.
 */
export function safeRedirectPath(input: string | undefined): string {
  if (input === undefined || input === '') return '/'
  const path = sameOriginPath(input)
  if (path === null) throw badRequest('REDIRECT_NOT_ALLOWED', 'redirect 只能是本站的路径（以 / 开头，例如 /profile）')
  // never send the browser back into the OAuth flow itself
  return path.startsWith('/api/oauth/') ? '/' : path
}

export { rawQueryParam } from '../http/raw-query.ts'

const CODE_PATTERN = /^[A-Za-z0-9+/=_-]{1,512}$/

/**
 * The platform URL-encodes `code` (encodeURIComponent) and it may hold `+ / =`. Decodes it with
 * decodeURIComponent (which keeps a literal `+`), once more if it arrived encoded twice, and turns
 * spaces back into `+` (a `+` read as a space somewhere on the way, appendix 8 no. 13).
 */
export function decodeCode(raw: string): string {
  let v = raw
  try {
    for (let i = 0; i < 2 && /%[0-9A-Fa-f]{2}/.test(v); i++) v = decodeURIComponent(v)
  } catch {
    throw badRequest('CODE_INVALID', '授权 code 的编码不正确')
  }
  v = v.replace(/ /g, '+')
  if (!CODE_PATTERN.test(v)) throw badRequest('CODE_INVALID', '授权 code 的格式不正确')
  return v
}

export interface ExchangedToken {
  openId: string
  accessToken: string
  /** seconds */
  expiresIn: number
  scope: string
}

/** Step 2 of 4.3: `token` with grantType=authorization_code and the backendToken. */
export async function exchangeCode(client: UnionpayClient, tokens: TokenManager, appId: string, code: string): Promise<ExchangedToken> {
  const params = await tokens.withToken('backend', (backendToken) =>
    client.call('token', { appId, backendToken, code, grantType: 'authorization_code' }),
  )
  return {
    openId: requireString('token', params, 'openId').trim(),
    accessToken: requireString('token', params, 'accessToken').trim(),
    expiresIn: requireSeconds('token', params, 'expiresIn'),
    scope: typeof params.scope === 'string' ? params.scope.trim() : '',
  }
}

/**
 * The `errorcode` the platform sent back, reduced to a safe token for the login page URL. Only the
 * code travels: the page words the reason itself, so nobody can put text on our page via a link.
 */
export function authorizeErrorCode(errorcode: string): string {
  const c = errorcode.trim()
  return /^[A-Za-z0-9_.-]{1,32}$/.test(c) ? c : 'unknown'
}
