import { DomainError } from '../errors.ts'
import { createNonceStr } from '../crypto/signing.ts'
import { requireSeconds, requireString, type UnionpayClient } from './client.ts'
import type { TokenManager } from './tokens.ts'

export const IN_APP_PATH = '/s/open/html/oauth.html'
export const OUT_APP_PATH = '/s/open/auth/outApp/html/outLogin.html'

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
    throw new DomainError('invalid', 'CODE_INVALID', '授权 code 的编码不正确')
  }
  v = v.replace(/ /g, '+')
  if (!CODE_PATTERN.test(v)) throw new DomainError('invalid', 'CODE_INVALID', '授权 code 的格式不正确')
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
export async function exchangeCode(
  client: UnionpayClient,
  tokens: TokenManager,
  appId: string,
  code: string,
): Promise<ExchangedToken> {
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
