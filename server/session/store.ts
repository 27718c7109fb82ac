import { createHash, randomBytes } from 'node:crypto'
import { seal, unseal } from '../crypto/seal.ts'
import type { Db } from '../store/kysely-db.ts'

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

  /** The same store inside a caller's transaction. */
  in(trx: Db): SessionStore {
    return new SessionStore(trx, this.ttlMs, this.clock, this.sealKey)
  }

  async create(s: NewSession): Promise<{ id: string; session: Session }> {
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
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: hashId(id),
        open_id: session.openId,
        scope: session.scope,
        access_token: session.accessToken === null ? null : seal(this.sealKey, session.accessToken),
        access_expires_at: session.accessExpiresAt,
        created_at: now,
        expires_at: session.expiresAt,
        ended_at: null,
        end_reason: null,
      })
      .execute()
    return { id, session }
  }

  async get(id: string): Promise<Session | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null
    const row = await this.db
      .selectFrom('sessions')
      .select(['open_id', 'scope', 'access_token', 'access_expires_at', 'created_at', 'expires_at'])
      .where('id_hash', '=', hashId(id))
      .where('ended_at', 'is', null)
      .where('expires_at', '>', this.clock())
      .executeTakeFirst()
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

  async end(id: string, reason: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ ended_at: this.clock(), end_reason: reason })
      .where('id_hash', '=', hashId(id))
      .where('ended_at', 'is', null)
      .execute()
  }

  /**
   * Ends every session of a user (e.g. 用户授权解除通知); with `createdBefore`, only those created
   * before it (a notification never ends a session begun after it). Returns how many ended.
   */
  async endAllFor(openId: string, reason: string, createdBefore?: number): Promise<number> {
    const r = await this.db
      .updateTable('sessions')
      .set({ ended_at: this.clock(), end_reason: reason })
      .where('open_id', '=', openId)
      .where('ended_at', 'is', null)
      .where('created_at', '<', createdBefore ?? Number.MAX_SAFE_INTEGER)
      .executeTakeFirst()
    return Number(r.numUpdatedRows)
  }
}
