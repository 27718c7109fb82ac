import { describe, expect, it } from 'vitest'
import { SessionStore } from '../session/store.ts'
import { openDatabase } from '../store/index.ts'
import { parseSealKey, seal, unseal } from './seal.ts'

const KEY = Buffer.alloc(32, 7)

describe('sealing OAuth access tokens at rest', () => {
  it('round-trips, refuses another key or an altered value, and never repeats a ciphertext', () => {
    const a = seal(KEY, 'tok+/=')
    expect(unseal(KEY, a)).toBe('tok+/=')
    expect(a).not.toContain('tok')
    expect(seal(KEY, 'tok+/=')).not.toBe(a)
    expect(unseal(Buffer.alloc(32, 8), a)).toBeNull()
    const parts = a.split('.')
    parts[2] = Buffer.from('tampered').toString('base64url')
    expect(unseal(KEY, parts.join('.'))).toBeNull()
  })

  it('reads TOKEN_ENCRYPTION_KEY as hex or base64 and derives one from the secret otherwise', () => {
    expect(parseSealKey('ab'.repeat(32), 's')).toEqual({ key: Buffer.alloc(32, 0xab) })
    expect(parseSealKey(Buffer.alloc(32, 1).toString('base64'), 's')).toEqual({ key: Buffer.alloc(32, 1) })
    expect(parseSealKey('short', 's')).toHaveProperty('problem')
    const derived = parseSealKey(undefined, 'secret-1')
    expect('key' in derived && derived.key.length).toBe(32)
    expect(parseSealKey(undefined, 'secret-1')).toEqual(derived)
    expect(parseSealKey(undefined, 'secret-2')).not.toEqual(derived)
  })

  it('the session table holds no access token in clear; the store reads it back', async () => {
    const db = await openDatabase('sqlite::memory:')
    const store = new SessionStore(db, undefined, Date.now, KEY)
    const { id } = await store.create({
      openId: 'o',
      scope: 'upapi_base',
      accessToken: 'plain-access-token',
      accessExpiresAt: Date.now() + 3600_000,
    })
    const row = (await db.selectFrom('sessions').select('access_token').executeTakeFirstOrThrow()) as {
      access_token: string
    }
    expect(row.access_token).not.toContain('plain-access-token')
    expect(row.access_token.startsWith('v1.')).toBe(true)
    expect((await store.get(id))?.accessToken).toBe('plain-access-token')
    expect((await new SessionStore(db, undefined, Date.now, Buffer.alloc(32, 9)).get(id))?.accessToken).toBeNull()
    await db.destroy()
  })
})
