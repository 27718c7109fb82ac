import { createHash, randomBytes } from 'node:crypto'
import { seal, unseal } from '../crypto/seal.ts'
import type { Db } from '../store/db.ts'

export interface Session {
  openId: string
  scope: string
  accessToken: string | null
  /** ms epoch; after it the platform needs the user to authorise again. */
  accessExpiresAt: number | null
  createdAt: number
  expiresAt: number
}

export interface NewSession {
  openId: string
  scope: string
  accessToken?: string
  accessExpiresAt?: number
}

const hashId = (id: string) => createHash('sha256').update(id).digest('hex')
/** Used when no key is given (tests): tokens are still never written in clear. */
const PROCESS_KEY = randomBytes(32)

interface Row {
  open_id: string
  scope: string
  access_token: string | null
  access_expires_at: number | null
  created_at: number
  expires_at: number
}

/**
 * Sessions in the record store, so a restart keeps users logged in. The cookie carries a random
 * 256-bit id; the table keeps only its sha256, so a copy of the database opens no session.
 * OAuth access tokens are stored sealed (AES-256-GCM, TOKEN_ENCRYPTION_KEY).
 */
export class SessionStore {
  constructor(
    private readonly db: Db,
    /** @default 7 days */
    readonly ttlMs: number = 7 * 24 * 3600_000,
    private readonly clock: () => number = Date.now,
    private readonly sealKey: Buffer = PROCESS_KEY,
  ) {}

  create(s: NewSession): { id: string; session: Session } {
    const id = randomBytes(32).toString('base64url')
    const now = this.clock()
    const session: Session = {
      openId: s.openId,
      scope: s.scope,
      accessToken: s.accessToken ?? null,
      accessExpiresAt: s.accessExpiresAt ?? null,
      createdAt: now,
      expiresAt: now + this.ttlMs,
    }
    this.db
      .prepare(
        `INSERT INTO sessions (id_hash, open_id, scope, access_token, access_expires_at, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        hashId(id),
        session.openId,
        session.scope,
        session.accessToken === null ? null : seal(this.sealKey, session.accessToken),
        session.accessExpiresAt,
        now,
        session.expiresAt,
      )
    return { id, session }
  }

  get(id: string): Session | null {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null
    const row = this.db
      .prepare(
        `SELECT open_id, scope, access_token, access_expires_at, created_at, expires_at
         FROM sessions WHERE id_hash = ? AND ended_at IS NULL AND expires_at > ?`,
      )
      .get(hashId(id), this.clock()) as Row | undefined
    if (!row) return null
    return {
      openId: row.open_id,
      scope: row.scope,
      accessToken: this.openToken(row.access_token),
      accessExpiresAt: row.access_expires_at,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    }
  }

  /** Sealed → plain; a row written before sealing (no `v1.` prefix) is read as it is. */
  private openToken(stored: string | null): string | null {
    if (stored === null) return null
    return stored.startsWith('v1.') ? unseal(this.sealKey, stored) : stored
  }

  end(id: string, reason: string): void {
    this.db
      .prepare('UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id_hash = ? AND ended_at IS NULL')
      .run(this.clock(), reason, hashId(id))
  }

  /**
   * Ends every session of a user (e.g. 用户授权解除通知); with `createdBefore`, only those created
   * before it (a notification never ends a session begun after it). Returns how many ended.
   */
  endAllFor(openId: string, reason: string, createdBefore?: number): number {
    return this.db
      .prepare(
        'UPDATE sessions SET ended_at = ?, end_reason = ? WHERE open_id = ? AND ended_at IS NULL AND created_at < ?',
      )
      .run(this.clock(), reason, openId, createdBefore ?? Number.MAX_SAFE_INTEGER).changes
  }
}
