import { randomBytes } from 'node:crypto'
import { SANDBOX_UNIONPAY } from '../credentials.ts'

/** Request fields the sandbox's call log keeps out (tokens, signatures, codes). */
const SECRET_FIELDS = /token|signature|code|secret/i

export interface SandboxUser {
  openId: string
  /** Plain values; the APIs return them 3DES-encrypted. Empty mobile = "用户没有手机号". */
  mobile: string
  realName: string
  certType: string
  certId: string
  nickName: string
}

export interface IssuedToken {
  token: string
  expiresAt: number
}

export interface AuthCode {
  code: string
  appId: string
  openId: string
  scope: string
  planId?: string
  redirectUri: string
  /** upapi_auth: the user may decline to share the mobile number (→ N62135). @default true */
  mobileGranted?: boolean
  expiresAt: number
  used: boolean
}

export interface AccessToken {
  accessToken: string
  appId: string
  openId: string
  scope: string
  mobileGranted?: boolean
  expiresAt: number
}

export interface CallRecord {
  api: string
  at: number
  resp: string
  body: Record<string, unknown>
}

/** A base64 value that certainly contains `+`, `/` and `=` — the characters that break naive code. */
export function awkwardBase64(bytes: number): string {
  // A multiple of 3 bytes has no `=` padding: the loop below would never end.
  if (bytes % 3 === 0) bytes += 1
  for (;;) {
    const s = randomBytes(bytes).toString('base64')
    if (s.includes('+') && s.includes('/') && s.includes('=')) return s
  }
}

/**
 * Everything the simulated 云闪付开放平台 remembers. One app (the sandbox credentials); only the
 * newest backendToken / frontToken is valid, as on the real platform.
 */
export class UnionpaySandboxState {
  readonly app = {
    appId: SANDBOX_UNIONPAY.appId,
    secret: SANDBOX_UNIONPAY.secret,
    symmetricKey: SANDBOX_UNIONPAY.symmetricKey,
    name: 'upkit 演示商户',
    oauthHosts: [...SANDBOX_UNIONPAY.oauthHosts] as string[],
  }
  backendToken: IssuedToken | null = null
  frontToken: IssuedToken | null = null
  /** Front tokens replaced by newer ones: a config signed with one of them fails with a20. */
  readonly supersededFrontTokens: string[] = []
  readonly codes = new Map<string, AuthCode>()
  readonly accessTokens = new Map<string, AccessToken>()
  readonly users = new Map<string, SandboxUser>()
  readonly calls: CallRecord[] = []
  /** Calls of the last minute per appId, for the 1000/min blacklist rule. */
  readonly callTimes: number[] = []
  blacklistedUntil = 0
  /** Limit past which the appId is blacklisted for 24 h (the real one is 1000/min). */
  callsPerMinuteLimit = 1000
  /** The counting window (a minute; tests shrink it to run the rule on a real clock in seconds). */
  callWindowMs = 60_000
  tokenLifetimeS = 7200
  accessTokenLifetimeS = 3600
  codeLifetimeMs = 5 * 60_000

  constructor(readonly clock: () => number = Date.now) {
    for (const u of DEFAULT_USERS) this.users.set(u.openId, { ...u })
  }

  issueToken(kind: 'backend' | 'front'): IssuedToken {
    const t = { token: awkwardBase64(16), expiresAt: this.clock() + this.tokenLifetimeS * 1000 }
    if (kind === 'backend') this.backendToken = t
    else {
      if (this.frontToken) this.supersededFrontTokens.push(this.frontToken.token)
      if (this.supersededFrontTokens.length > 10) this.supersededFrontTokens.shift()
      this.frontToken = t
    }
    return t
  }

  isValidToken(kind: 'backend' | 'front', token: unknown): boolean {
    const t = kind === 'backend' ? this.backendToken : this.frontToken
    return !!t && typeof token === 'string' && t.token === token && t.expiresAt > this.clock()
  }

  issueCode(input: Omit<AuthCode, 'code' | 'expiresAt' | 'used' | 'appId'>): AuthCode {
    const code: AuthCode = {
      ...input,
      appId: this.app.appId,
      code: awkwardBase64(22),
      expiresAt: this.clock() + this.codeLifetimeMs,
      used: false,
    }
    this.codes.set(code.code, code)
    return code
  }

  /** Spends a code once; null when unknown, used or expired (→ a31). */
  useCode(code: string): AuthCode | null {
    const c = this.codes.get(code)
    if (!c || c.used || c.expiresAt <= this.clock()) return null
    c.used = true
    return c
  }

  issueAccessToken(c: AuthCode): AccessToken {
    const t: AccessToken = {
      accessToken: awkwardBase64(60),
      appId: c.appId,
      openId: c.openId,
      scope: c.scope,
      ...(c.mobileGranted === undefined ? {} : { mobileGranted: c.mobileGranted }),
      expiresAt: this.clock() + this.accessTokenLifetimeS * 1000,
    }
    this.accessTokens.set(t.accessToken, t)
    return t
  }

  /** The user withdrew the app's authorisation in 云闪付: their accessTokens stop working. */
  revokeAuthorization(openId: string): number {
    let n = 0
    for (const [k, t] of this.accessTokens) {
      if (t.openId === openId) {
        this.accessTokens.delete(k)
        n++
      }
    }
    return n
  }

  /** The live access token for this openId, or null (unknown, expired, or another user's). */
  accessTokenFor(accessToken: unknown, openId: unknown): AccessToken | null {
    if (typeof accessToken !== 'string') return null
    const t = this.accessTokens.get(accessToken)
    if (!t || t.expiresAt <= this.clock() || t.openId !== openId) return null
    return t
  }

  /** Records one call against the minute window AS IT ARRIVES; false when the appId is (now) blacklisted. */
  admitCall(): boolean {
    const now = this.clock()
    if (this.blacklistedUntil > now) return false
    while (this.callTimes.length && (this.callTimes[0] ?? 0) <= now - this.callWindowMs) this.callTimes.shift()
    this.callTimes.push(now)
    if (this.callTimes.length > this.callsPerMinuteLimit) {
      this.blacklistedUntil = now + 24 * 3600_000
      return false
    }
    return true
  }

  log(api: string, body: Record<string, unknown>, resp: string): void {
    const kept: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(body)) kept[k] = SECRET_FIELDS.test(k) ? '[redacted]' : v
    this.calls.push({ api, at: this.clock(), resp, body: kept })
    if (this.calls.length > 5000) this.calls.splice(0, this.calls.length - 5000)
  }
}

export const DEFAULT_USERS: readonly SandboxUser[] = [
  {
    openId: 'sbxU1+fZq9/0aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5+Ab6Cd7/Ef8Gh9I=',
    mobile: '13812345678',
    realName: '张三',
    certType: '01',
    certId: '110101199003071234',
    nickName: '小张',
  },
  {
    openId: 'sbxU2/Kp0+Lq1Mr2Ns3Ot4Pu5Qv6Rw7Sx8Ty9Uz0Va1Wb2Xc3Yd4Ze5/Af6Bg7Ch8D=',
    mobile: '',
    realName: '李四',
    certType: '01',
    certId: '310101198512120021',
    nickName: '无手机号用户',
  },
  // Two more users with a phone, so tests that revoke a user's authorisation (which ends all of
  // that user's sessions) can each take one of their own.
  {
    openId: 'sbxU3+Mn4/Op5+Qr6Rs7St8Tu9Uv0Vw1Wx2Xy3Yz4Za5+Ab6Bc7/Cd8De9Ef0Fg1G=',
    mobile: '13900001111',
    realName: '王五',
    certType: '01',
    certId: '440101199207070035',
    nickName: '小王',
  },
  {
    openId: 'sbxU4/Hi5+Ij6Jk7Kl8Lm9Mn0No1Op2Pq3Qr4Rs5St6+Tu7Uv8Vw9Wx0/Xy1Yz2Za3B=',
    mobile: '13700002222',
    realName: '赵六',
    certType: '01',
    certId: '510101198808080046',
    nickName: '小赵',
  },
]
