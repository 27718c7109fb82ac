import type { Selectable } from 'kysely'
import { atomically, type Db } from '../store/kysely-db.ts'
import type { Tables } from '../store/schema.ts'

export interface UserRecord {
  id: number
  openId: string
  createdAt: number
  lastLoginAt: number
  revokedAt: number | null
}

const toRecord = (r: Selectable<Tables['users']>): UserRecord => ({
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

  /** The same store inside a caller's transaction. */
  in(trx: Db): UserStore {
    return new UserStore(trx, this.clock)
  }

  /** Links (or re-links) an openId after a successful 联登 and records the scope granted. */
  recordLogin(openId: string, scope: string): Promise<UserRecord> {
    const now = this.clock()
    return atomically(this.db, async (trx) => {
      // An upsert: two first logins of one openId at once (two instances) make one user.
      const row = await trx
        .insertInto('users')
        .values({ open_id: openId, created_at: now, last_login_at: now })
        .onConflict((oc) => oc.column('open_id').doUpdateSet({ last_login_at: now, revoked_at: null }))
        .returningAll()
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('user_authorizations')
        .values({ user_id: row.id, scope, granted_at: now, revoked_at: null })
        .execute()
      return toRecord(row)
    })
  }

  async find(openId: string): Promise<UserRecord | null> {
    const row = await this.db.selectFrom('users').selectAll().where('open_id', '=', openId).executeTakeFirst()
    return row ? toRecord(row) : null
  }

  /** Scopes the user has authorised and not withdrawn. */
  async activeScopes(openId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('user_authorizations as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select('a.scope')
      .distinct()
      .where('u.open_id', '=', openId)
      .where('a.revoked_at', 'is', null)
      .orderBy('a.scope')
      .execute()
    return rows.map((r) => r.scope)
  }

  /** 用户授权解除通知: withdraws every authorisation of the user; returns how many were active. */
  revoke(openId: string): Promise<number> {
    const now = this.clock()
    return atomically(this.db, async (trx) => {
      const row = await trx
        .updateTable('users')
        .set({ revoked_at: now })
        .where('open_id', '=', openId)
        .returning('id')
        .executeTakeFirst()
      if (!row) return 0
      const r = await trx
        .updateTable('user_authorizations')
        .set({ revoked_at: now })
        .where('user_id', '=', row.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return Number(r.numUpdatedRows)
    })
  }
}
