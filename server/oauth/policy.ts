import type { ApiErrorCode } from '../../common/api.ts'
import { DomainError } from '../errors.ts'
import { safeRedirectPath } from '../http/redirect.ts'

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

const invalid = (code: ApiErrorCode, message: string) => new DomainError('invalid', code, message)

/** The scope to send to the platform for this page, or an `invalid` error naming what is allowed. */
export function resolveScope(requested: string | undefined, inApp: boolean): string {
  const scope = (requested ?? '').trim() || 'upapi_base'
  if (scope === 'upapi_contract') {
    throw invalid('SCOPE_NOT_ALLOWED', 'upapi_contract（无感支付签约）请使用 /api/contract/authorize')
  }
  const table = inApp ? IN_APP_SCOPES : OUT_APP_SCOPES
  const resolved = table[scope]
  if (resolved) return resolved
  if (!inApp && scope in IN_APP_SCOPES) {
    throw invalid(
      'SCOPE_NOT_ALLOWED',
      `云闪付 App 外只能使用 upapi_login（同 upapi_base）或 upapi_user（同 upapi_auth），不支持 ${scope}；请在云闪付 App 内打开`,
    )
  }
  throw invalid('SCOPE_INVALID', `不支持的 scope：${scope.slice(0, 40)}（可用：upapi_base、upapi_mobile、upapi_auth）`)
}

/**
 * Where a login returns to: a path on this origin, nothing else (no open redirects), and never
 * back into the OAuth flow itself. Missing means `/`; anything else is an `invalid` error.
 */
export function loginReturnPath(input: string | undefined): string {
  if (input === undefined || input === '') return '/'
  const path = safeRedirectPath(input)
  if (path === null) throw invalid('REDIRECT_NOT_ALLOWED', 'redirect 只能是本站的路径（以 / 开头，例如 /profile）')
  return path.startsWith('/api/oauth/') ? '/' : path
}

/**
 * The `errorcode` the platform sent back, reduced to a safe token for the login page URL. Only the
 * code travels: the page words the reason itself, so nobody can put text on our page via a link.
 */
export function authorizeErrorCode(errorcode: string): string {
  const c = errorcode.trim()
  return /^[A-Za-z0-9_.-]{1,32}$/.test(c) ? c : 'unknown'
}
