import type { Db } from '../store/db.ts'

export interface UserRecord {
  id: number
  openId: string
  createdAt: number
  lastLoginAt: number
  revokedAt: number | null
}

interface Row {
  id: number
  open_id: string
  created_at: number
  last_login_at: number
  revoked_at: number | null
}

const toRecord = (r: Row): UserRecord => ({
  id: r.id,
  openId: r.open_id,
  createdAt: r.created_at,
  lastLoginAt: r.last_login_at,
  revokedAt: r.revoked_at,
})

/** The openId ↔ user link and the authorisations each user gave (record store). */
export class UserStore {
  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Links (or re-links) an openId after a successful 联登 and records the scope granted. */
  recordLogin(openId: string, scope: string): UserRecord {
    const now = this.clock()
    return this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO users (open_id, created_at, last_login_at) VALUES (?, ?, ?)
           ON CONFLICT (open_id) DO UPDATE SET last_login_at = excluded.last_login_at, revoked_at = NULL`,
        )
        .run(openId, now, now)
      const row = this.db.prepare('SELECT * FROM users WHERE open_id = ?').get(openId) as Row
      this.db
        .prepare('INSERT INTO user_authorizations (user_id, scope, granted_at) VALUES (?, ?, ?)')
        .run(row.id, scope, now)
      return toRecord(row)
    })()
  }

  find(openId: string): UserRecord | null {
    const row = this.db.prepare('SELECT * FROM users WHERE open_id = ?').get(openId) as Row | undefined
    return row ? toRecord(row) : null
  }

  /** Scopes the user has authorised and not withdrawn. */
  activeScopes(openId: string): string[] {
    return (
      this.db
        .prepare(
          `SELECT DISTINCT a.scope FROM user_authorizations a JOIN users u ON u.id = a.user_id
           WHERE u.open_id = ? AND a.revoked_at IS NULL ORDER BY a.scope`,
        )
        .all(openId) as { scope: string }[]
    ).map((r) => r.scope)
  }

  /** 用户授权解除通知: withdraws every authorisation of the user; returns how many were active. */
  revoke(openId: string): number {
    const now = this.clock()
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT id FROM users WHERE open_id = ?').get(openId) as { id: number } | undefined
      if (!row) return 0
      this.db.prepare('UPDATE users SET revoked_at = ? WHERE id = ?').run(now, row.id)
      return this.db
        .prepare('UPDATE user_authorizations SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
        .run(now, row.id).changes
    })()
  }
}
