import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../store/db.ts'
import { SessionStore } from './store.ts'

describe('SessionStore', () => {
  it('keeps sessions across a restart and stores only a hash of the id', () => {
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'upkit-s-')), 'db.sqlite')}`
    const db1 = openDatabase(url)
    const { id } = new SessionStore(db1).create({
      openId: 'o+/=',
      scope: 'upapi_base',
      accessToken: 'tok',
      accessExpiresAt: 1,
    })
    const raw = JSON.stringify(db1.prepare('SELECT * FROM sessions').all())
    expect(raw).not.toContain(id)
    db1.close()
    const db2 = openDatabase(url)
    expect(new SessionStore(db2).get(id)).toMatchObject({ openId: 'o+/=', scope: 'upapi_base', accessToken: 'tok' })
    db2.close()
  })

  it('expires, ends one, and ends all of a user', () => {
    let now = 1_000_000
    const store = new SessionStore(openDatabase('sqlite::memory:'), 60_000, () => now)
    const a = store.create({ openId: 'u1', scope: 's' })
    const b = store.create({ openId: 'u1', scope: 's' })
    const c = store.create({ openId: 'u2', scope: 's' })
    store.end(a.id, 'logout')
    expect(store.get(a.id)).toBeNull()
    expect(store.endAllFor('u1', 'revoked')).toBe(1)
    expect(store.get(b.id)).toBeNull()
    expect(store.get(c.id)).not.toBeNull()
    now += 60_001
    expect(store.get(c.id)).toBeNull()
  })

  it('rejects malformed ids without touching the database', () => {
    const store = new SessionStore(openDatabase('sqlite::memory:'))
    expect(store.get("' OR 1=1 --")).toBeNull()
    expect(store.get('')).toBeNull()
  })
})
