import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { DomainError } from '../errors.ts'
import type { KvStore } from '../store/kv.ts'
import { createNonceStr, unionpaySignature, unixSeconds } from '../crypto/signing.ts'
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
  /** How long one instance may hold the refresh lock. @default 15_000 */
  lockTtlMs?: number
  clock?: () => number
}

const API: Record<TokenKind, string> = { backend: 'backendToken', front: 'frontToken' }

/**
 * backendToken / frontToken: cached, refreshed ahead of expiry, and fetched by one caller at a
 * time across every instance sharing the KvStore — fetching a new token invalidates the old one
 * on the platform, so two concurrent refreshes would knock each other out.
 */
export class TokenManager {
  private readonly local = new Map<TokenKind, StoredToken>()
  private readonly inflight = new Map<TokenKind, Promise<string>>()
  private readonly refreshAheadMs: number
  private readonly lockTtlMs: number
  private readonly clock: () => number

  constructor(private readonly options: TokenManagerOptions) {
    this.refreshAheadMs = options.refreshAheadMs ?? 300_000
    this.lockTtlMs = options.lockTtlMs ?? 15_000
    this.clock = options.clock ?? Date.now
  }

  private key(kind: TokenKind): string {
    return `token:${this.options.appId}:${kind}`
  }

  private fresh(t: StoredToken | undefined | null): t is StoredToken {
    return !!t && t.expiresAt - this.clock() > this.refreshAheadMs
  }

  async get(kind: TokenKind): Promise<string> {
    const cached = this.local.get(kind)
    if (this.fresh(cached)) return cached.token
    let p = this.inflight.get(kind)
    if (!p) {
      p = this.obtain(kind).finally(() => this.inflight.delete(kind))
      this.inflight.set(kind, p)
    }
    return p
  }

  /** Drops `token` if it is still the current one, so the next `get` fetches (or reads) a new one. */
  async invalidate(kind: TokenKind, token: string): Promise<void> {
    if (this.local.get(kind)?.token === token) this.local.delete(kind)
    const stored = await this.read(kind)
    if (stored?.token === token) await this.options.kv.delIfEquals(this.key(kind), JSON.stringify(stored))
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
    try {
      const v = JSON.parse(raw) as StoredToken
      return typeof v.token === 'string' && typeof v.expiresAt === 'number' ? v : null
    } catch {
      return null
    }
  }

  private async obtain(kind: TokenKind): Promise<string> {
    const { kv } = this.options
    const lockKey = `lock:${this.key(kind)}`
    const deadline = this.clock() + this.lockTtlMs * 2
    for (;;) {
      const stored = await this.read(kind)
      if (this.fresh(stored)) {
        this.local.set(kind, stored)
        return stored.token
      }
      const owner = randomBytes(12).toString('hex')
      if (await kv.setIfAbsent(lockKey, owner, this.lockTtlMs)) {
        try {
          const again: StoredToken | null = await this.read(kind)
          if (this.fresh(again)) {
            this.local.set(kind, again)
            return again.token
          }
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
          this.local.set(kind, fetched)
          return fetched.token
        } finally {
          await kv.delIfEquals(lockKey, owner)
        }
      }
      if (this.clock() > deadline) {
        throw new DomainError('unavailable', 'TOKEN_REFRESH_BUSY', `另一个实例正在刷新 ${API[kind]}，等待超时，请稍后重试`)
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
