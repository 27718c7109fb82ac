import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { DomainError } from '../errors.ts'
import type { KvStore } from '../store/kv.ts'
import { createNonceStr, safeEqual, sha256Hex, unionpaySignature, unixSeconds } from '../crypto/signing.ts'
import { runUnattributed } from './call-scope.ts'
import { requireSeconds, requireString, type UnionpayClient } from './client.ts'
import { BACKEND_TOKEN_INVALID, FRONT_TOKEN_INVALID } from './codes.ts'
import { UnionpayError } from './errors.ts'

export type TokenKind = 'backend' | 'front'

interface StoredToken {
  token: string
  expiresAt: number
}

export interface TokenManagerOptions {
  client: UnionpayClient
  kv: KvStore
  appId: string
  secret: string
  /** Refresh when less than this is left. @default 300_000 (5 min) */
  refreshAheadMs?: number
  /**
   * How long one instance may hold the refresh lock: longer than the platform call it makes (a
   * holder that dies loses it after this; waiters give up after twice this). @default 15_000
   */
  lockTtlMs?: number
  /**
   * Gap required before the 2nd, 3rd, ... forced frontToken refresh in a row (doubling, at most
   * 10 min; the count resets after 30 quiet minutes). @default 5_000
   */
  forcedRefreshBaseGapMs?: number
  clock?: () => number
}

/** The config a page was given and the app refused with `a20`, as the page reports it. */
export interface RejectedConfig {
  url: string
  timestamp: string
  nonceStr: string
  signature: string
}

export type RejectionOutcome =
  /** The report proved the current token failed: it was dropped, the next `get` fetches a new one. */
  | 'dropped'
  /** Another report already dropped this token. */
  | 'already-dropped'
  /** Not signed with the current token (forged, or about an older token): nothing to do. */
  | 'not-current'
  /** Signed longer ago than the platform's ±5 min: not a fresh failure. */
  | 'stale'
  /** Forced refreshes come too often (doubling gap): the token stays. */
  | 'backoff'

const API: Record<TokenKind, string> = { backend: 'backendToken', front: 'frontToken' }
const FORCED_QUIET_RESET_MS = 30 * 60_000
const FORCED_MAX_GAP_MS = 10 * 60_000
const CONFIG_TIMESTAMP_SKEW_MS = 5 * 60_000

/**
 * backendToken / frontToken: refreshed ahead of expiry and fetched by one caller at a time across
 * every instance sharing the KvStore — fetching a new token invalidates the old one on the
 * platform, so two concurrent refreshes would knock each other out. The shared store is the only
 * copy: every instance reads it, so a token dropped by one is dead for all at once.
 */
export class TokenManager {
  private readonly inflight = new Map<TokenKind, Promise<string>>()
  /** The last value read from the store for each kind, and what it parsed to. */
  private readonly parsed = new Map<TokenKind, { raw: string; token: StoredToken | null }>()
  private readonly refreshAheadMs: number
  private readonly lockTtlMs: number
  private readonly forcedBaseGapMs: number
  private readonly clock: () => number

  constructor(private readonly options: TokenManagerOptions) {
    this.refreshAheadMs = options.refreshAheadMs ?? 300_000
    this.lockTtlMs = options.lockTtlMs ?? 15_000
    this.forcedBaseGapMs = options.forcedRefreshBaseGapMs ?? 5_000
    this.clock = options.clock ?? Date.now
  }

  private key(kind: TokenKind): string {
    return `token:${this.options.appId}:${kind}`
  }

  private fresh(t: StoredToken | undefined | null): t is StoredToken {
    return !!t && t.expiresAt - this.clock() > this.refreshAheadMs
  }

  async get(kind: TokenKind): Promise<string> {
    const stored = await this.read(kind)
    if (this.fresh(stored)) return stored.token
    let p = this.inflight.get(kind)
    if (!p) {
      // A refresh serves every waiting request: it is nobody's call in particular.
      p = runUnattributed(() => this.obtain(kind)).finally(() => this.inflight.delete(kind))
      this.inflight.set(kind, p)
    }
    return p
  }

  /**
   * Drops `token` from the shared store if it is still the current one (one atomic compare-and-
   * delete, so a newer token is never dropped); every instance's next `get` fetches or reads a new one.
   */
  async invalidate(kind: TokenKind, token: string): Promise<void> {
    const stored = await this.read(kind)
    if (stored?.token === token) await this.options.kv.delIfEquals(this.key(kind), JSON.stringify(stored))
  }

  /**
   * A page reports that the app refused its config with `a20`. Only a report about the CURRENT
   * frontToken counts: the page sends back the config it was given, and its signature must be
   * ours over the current token and fresh. Each token is dropped at most once, and forced
   * refreshes in a row need doubling gaps — so nobody can make the server rotate the appId's
   * frontToken (knocking out other systems sharing it) at will.
   */
  async reportFrontTokenRejected(report: RejectedConfig): Promise<RejectionOutcome> {
    const { appId, kv } = this.options
    const stored = await this.read('front')
    if (!stored) return 'not-current'
    const expected = unionpaySignature({
      appId,
      frontToken: stored.token,
      nonceStr: report.nonceStr,
      timestamp: report.timestamp,
      url: report.url,
    })
    if (!safeEqual(expected, report.signature)) return 'not-current'
    if (
      !/^\d{1,12}$/.test(report.timestamp) ||
      Math.abs(Number(report.timestamp) * 1000 - this.clock()) > CONFIG_TIMESTAMP_SKEW_MS
    )
      return 'stale'
    const droppedKey = `front-token-dropped:${appId}:${sha256Hex(stored.token).slice(0, 32)}`
    const alreadyDropped = async (): Promise<RejectionOutcome> => {
      await this.invalidate('front', stored.token) // judged dead already: make sure nobody signs with it
      return 'already-dropped'
    }
    if (await kv.get(droppedKey)) return alreadyDropped()
    const forcedKey = `front-token-forced:${appId}`
    const forced = parseForced(await kv.get(forcedKey))
    const gap = forced.count === 0 ? 0 : Math.min(this.forcedBaseGapMs * 2 ** (forced.count - 1), FORCED_MAX_GAP_MS)
    if (this.clock() - forced.last < gap) {
      // The recent forced refresh may be this very token's, by a concurrent report (it marks the
      // token before it counts the refresh): then the token is dead, not spared.
      return (await kv.get(droppedKey)) ? alreadyDropped() : 'backoff'
    }
    if (!(await kv.setIfAbsent(droppedKey, '1', stored.expiresAt - this.clock() + 60_000))) return alreadyDropped()
    await kv.set(forcedKey, JSON.stringify({ count: forced.count + 1, last: this.clock() }), FORCED_QUIET_RESET_MS)
    await this.invalidate('front', stored.token)
    return 'dropped'
  }

  /** Runs `fn` with a backendToken; when the platform says the token is invalid, refreshes once and retries once. */
  async withToken<T>(kind: TokenKind, fn: (token: string) => Promise<T>): Promise<T> {
    const invalid = kind === 'backend' ? BACKEND_TOKEN_INVALID : FRONT_TOKEN_INVALID
    const token = await this.get(kind)
    try {
      return await fn(token)
    } catch (err) {
      if (!(err instanceof UnionpayError) || !invalid.has(err.resp)) throw err
      await this.invalidate(kind, token)
      return fn(await this.get(kind))
    }
  }

  private async read(kind: TokenKind): Promise<StoredToken | null> {
    const raw = await this.options.kv.get(this.key(kind))
    if (!raw) return null
    // the store is read every time (another instance may have replaced or dropped the token);
    // only the parse of an unchanged value is kept
    const last = this.parsed.get(kind)
    if (last?.raw === raw) return last.token
    let token: StoredToken | null = null
    try {
      const v = JSON.parse(raw) as StoredToken
      if (typeof v.token === 'string' && typeof v.expiresAt === 'number') token = v
    } catch {
      token = null
    }
    this.parsed.set(kind, { raw, token })
    return token
  }

  private async obtain(kind: TokenKind): Promise<string> {
    const { kv } = this.options
    const lockKey = `lock:${this.key(kind)}`
    const deadline = this.clock() + this.lockTtlMs * 2
    for (;;) {
      const stored = await this.read(kind)
      if (this.fresh(stored)) return stored.token
      const owner = randomBytes(12).toString('hex')
      if (await kv.setIfAbsent(lockKey, owner, this.lockTtlMs)) {
        try {
          const again: StoredToken | null = await this.read(kind)
          if (this.fresh(again)) return again.token
          let fetched: StoredToken
          try {
            fetched = await this.fetchToken(kind)
          } catch (err) {
            // A token that is only "due for refresh" is still valid: keep serving it.
            const stillValid = again as StoredToken | null
            if (stillValid && stillValid.expiresAt > this.clock()) return stillValid.token
            throw err
          }
          await kv.set(this.key(kind), JSON.stringify(fetched), Math.max(1, fetched.expiresAt - this.clock()))
          return fetched.token
        } finally {
          await kv.delIfEquals(lockKey, owner)
        }
      }
      if (this.clock() > deadline) {
        throw new DomainError(
          'unavailable',
          'TOKEN_REFRESH_BUSY',
          `另一个实例正在刷新 ${API[kind]}，等待超时，请稍后重试`,
        )
      }
      await sleep(50)
    }
  }

  private async fetchToken(kind: TokenKind): Promise<StoredToken> {
    const { appId, secret, client } = this.options
    const nonceStr = createNonceStr()
    const timestamp = String(unixSeconds(this.clock()))
    const signature = unionpaySignature({ appId, secret, nonceStr, timestamp })
    const api = API[kind]
    const params = await client.call(api, { appId, nonceStr, timestamp, signature })
    const token = requireString(api, params, api)
    const expiresIn = requireSeconds(api, params, 'expiresIn')
    return { token, expiresAt: this.clock() + expiresIn * 1000 }
  }
}

function parseForced(raw: string | null): { count: number; last: number } {
  try {
    const v = JSON.parse(raw ?? '') as { count?: unknown; last?: unknown }
    if (typeof v.count === 'number' && typeof v.last === 'number') return { count: v.count, last: v.last }
  } catch {
    // absent or unreadable: no forced refresh recently
  }
  return { count: 0, last: 0 }
}
