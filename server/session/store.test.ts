import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../store/kysely-db.ts'
import { openTestDb, testDbUrl, testEngines } from '../test/db.ts'
import { SessionStore } from './store.ts'
import { UserStore } from '../oauth/repo.ts'

describe.each(testEngines)('SessionStore on %s', (engine) => {
  it('keeps sessions across a restart and stores only a hash of the id', async () => {
    const url =
      engine === 'sqlite'
        ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'upkit-s-')), 'db.sqlite')}`
        : testDbUrl('postgres')
    const db1 = await openDatabase(url)
    const { id } = await new SessionStore(db1).create({
      openId: 'o+/=',
      scope: 'upapi_base',
      accessToken: 'tok',
      accessExpiresAt: 1,
    })
    const raw = JSON.stringify(await db1.selectFrom('sessions').selectAll().execute())
    expect(raw).not.toContain(id)
    await db1.destroy()
    const db2 = await openDatabase(url)
    expect(await new SessionStore(db2).get(id)).toMatchObject({
      openId: 'o+/=',
      scope: 'upapi_base',
      accessToken: 'tok',
    })
    await db2.destroy()
  })

  it('expires, ends one, and ends all of a user', async () => {
    let now = 1_000_000
    const db = await openTestDb(engine)
    const store = new SessionStore(db, 60_000, () => now)
    const a = await store.create({ openId: 'u1', scope: 's' })
    const b = await store.create({ openId: 'u1', scope: 's' })
    const c = await store.create({ openId: 'u2', scope: 's' })
    await store.end(a.id, 'logout')
    expect(await store.get(a.id)).toBeNull()
    expect(await store.endAllFor('u1', 'revoked')).toBe(1)
    expect(await store.get(b.id)).toBeNull()
    expect(await store.get(c.id)).not.toBeNull()
    now += 60_001
    expect(await store.get(c.id)).toBeNull()
    await db.destroy()
  })

  it('rejects malformed ids without touching the database', async () => {
    const db = await openTestDb(engine)
    const store = new SessionStore(db)
    expect(await store.get("' OR 1=1 --")).toBeNull()
    expect(await store.get('')).toBeNull()
    await db.destroy()
  })

  it('first logins of one openId racing on several connections make one user', async () => {
    const db = await openTestDb(engine)
    const users = new UserStore(db)
    const records = await Promise.all(Array.from({ length: 12 }, () => users.recordLogin('race+/=', 'upapi_base')))
    expect(new Set(records.map((r) => r.id)).size).toBe(1)
    expect((await db.selectFrom('users').selectAll().execute()).length).toBe(1)
    expect(await users.activeScopes('race+/=')).toEqual(['upapi_base'])
    expect(await users.revoke('race+/=')).toBe(12)
    expect(await users.activeScopes('race+/=')).toEqual([])
    expect(await users.revoke('nobody')).toBe(0)
    await db.destroy()
  })
})
