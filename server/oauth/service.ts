import type { KeyObject } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { verifyNotification } from '../crypto/rsa.ts'
import { DomainError } from '../errors.ts'
import type { Session, SessionStore } from '../session/store.ts'
import type { UserStore } from './repo.ts'
import { atomically, type Db } from '../store/kysely-db.ts'
import { claimReceipt } from '../store/receipts.ts'
import type { UnionpayClient } from '../unionpay/client.ts'
import { AUTH_REVOKE_FIELDS, missingFields, notificationTime, replayKey, staleness } from '../unionpay/notify-guard.ts'
import { exchangeCode, type ExchangedToken } from '../unionpay/oauth.ts'
import type { TokenManager } from '../unionpay/tokens.ts'
import { fetchIdentity, fetchMobile, MOBILE_SCOPES, type UserIdentity } from '../unionpay/user.ts'

export interface OauthServiceDeps {
  db: Db
  sessions: SessionStore
  users: UserStore
  unionpay: UnionpayClient
  tokens: TokenManager
  appId: string
  symmetricKey: string
  /** upPublicKey for the 用户授权解除通知; null when not configured (every notification is refused). */
  upPublicKey: KeyObject | null
  clock: () => number
  log: FastifyBaseLogger
}

/** What /api/me shows of a session. */
export interface MeView {
  openId: string
  scope: string
  accessExpiresAt: number | null
  accessTokenValid: boolean
  canReadMobile: boolean
}

/**
 * 联登 on our side (issue 3): exchanging a `code`, the session that follows (for the OAuth login
 * and the contract sign alike), the user APIs that need the accessToken, and the 用户授权解除通知.
 */
export class OauthService {
  constructor(private readonly d: OauthServiceDeps) {
    if (!d.upPublicKey)
      d.log.warn('UNIONPAY_PUBLIC_KEY is not set: every 用户授权解除通知 will be answered {"resp":"01"}')
  }

  /** Step 2 of 4.3: the code for openId + accessToken (a31 when spent or expired, as a UnionpayError). */
  exchange(code: string): Promise<ExchangedToken> {
    return exchangeCode(this.d.unionpay, this.d.tokens, this.d.appId, code)
  }

  /**
   * The session after a code exchange: ends the browser's current session (`relogin`), records
   * the login and the scope granted, and opens a new session holding the accessToken — in one
   * transaction. The caller sets the cookie.
   */
  async startSession(
    token: ExchangedToken,
    scope: string,
    currentSessionId: string | null,
  ): Promise<{ id: string; session: Session }> {
    const { db, sessions, users } = this.d
    const now = this.d.clock()
    if (currentSessionId) await sessions.end(currentSessionId, 'relogin')
    return atomically(db, async (trx) => {
      await users.in(trx).recordLogin(token.openId, scope)
      return sessions.in(trx).create({
        openId: token.openId,
        scope,
        accessToken: token.accessToken,
        accessExpiresAt: now + token.expiresIn * 1000,
      })
    })
  }

  async logout(sessionId: string | null): Promise<void> {
    if (sessionId) await this.d.sessions.end(sessionId, 'logout')
  }

  me(s: Session): MeView {
    return {
      openId: s.openId,
      scope: s.scope,
      accessExpiresAt: s.accessExpiresAt,
      accessTokenValid: this.accessTokenValid(s),
      canReadMobile: (MOBILE_SCOPES as readonly string[]).includes(s.scope),
    }
  }

  async mobile(s: Session): Promise<string> {
    return fetchMobile(this.d.unionpay, this.d.tokens, this.userApiInput(s))
  }

  async identity(s: Session): Promise<UserIdentity> {
    return fetchIdentity(this.d.unionpay, this.d.tokens, this.userApiInput(s))
  }

  /**
   * 用户授权解除通知 (5.2.3): verified, the seed's fields present, the signed timestamp fresh; then
   * applied once — the receipt (keyed by the signature's bytes) is written in the same transaction
   * as the effect, in the database, so a replay is recognised also after a restart or with the
   * signature re-encoded. It ends only sessions begun before its timestamp.
   */
  async handleRevoke(params: Record<string, string> | null): Promise<{ resp: '00' | '01'; verified: boolean }> {
    const { log, upPublicKey, db, clock } = this.d
    if (!params || !upPublicKey || !verifyNotification(params, upPublicKey)) {
      log.warn('用户授权解除通知: signature not verified')
      return { resp: '01', verified: false }
    }
    const openId = params.openId
    if (params.appId !== this.d.appId || !openId) {
      log.warn('用户授权解除通知: signed, but for another appId or without openId')
      return { resp: '01', verified: true }
    }
    const missing = missingFields(params, AUTH_REVOKE_FIELDS)
    const stale = staleness(params.timestamp, clock())
    if (missing.length > 0 || stale !== null) {
      log.warn({ missing, stale }, '用户授权解除通知: signed, but incomplete or not fresh')
      return { resp: '01', verified: true }
    }
    const at = notificationTime(params.timestamp) ?? 0
    const ended = await atomically(db, async (trx): Promise<number | null> => {
      if (!(await claimReceipt(trx, 'auth-revoke', replayKey(params.signature ?? ''), clock()))) return null
      await this.d.users.in(trx).revoke(openId)
      // The timestamp has seconds: a session begun within its second is counted as before it.
      return this.d.sessions.in(trx).endAllFor(openId, 'auth-revoked', at + 1000)
    })
    if (ended === null) log.info('用户授权解除通知: a replay, already applied')
    else log.info({ sessionsEnded: ended }, '用户授权解除通知 handled')
    return { resp: '00', verified: true }
  }

  private accessTokenValid(s: Session): boolean {
    return !!s.accessToken && !!s.accessExpiresAt && s.accessExpiresAt > this.d.clock()
  }

  private userApiInput(s: Session) {
    if (!this.accessTokenValid(s) || !s.accessToken) {
      throw new DomainError(
        'unauthenticated',
        'ACCESS_TOKEN_EXPIRED',
        '云闪付授权已过期（有效期 1 小时），请重新登录后再查看',
        { scope: s.scope },
      )
    }
    return { appId: this.d.appId, symmetricKey: this.d.symmetricKey, openId: s.openId, accessToken: s.accessToken }
  }
}
