import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { sql } from 'kysely'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { openTestDb, TEST_PG_URL, testDbUrl, testEngines } from '../test/db.ts'
import { engineOf, isUniqueViolation, openDatabase, parseDatabaseUrl, sqlitePath } from './kysely-db.ts'
import { migratePostgres, migrateSqlite, migrationsFor, toPostgres } from './migrate.ts'

describe.each(testEngines)('record store on %s', (engine) => {
  it('applies every migration once, also when opened again', async () => {
    const url =
      engine === 'sqlite'
        ? `sqlite:${join(mkdtempSync(join(tmpdir(), 'upkit-db-')), 'nested', 'upkit.db')}`
        : testDbUrl('postgres')
    const db = await openDatabase(url)
    expect(engineOf(db)).toBe(engine)
    const applied = (await db.selectFrom('schema_migrations').select('name').orderBy('name').execute()).map(
      (r) => r.name,
    )
    expect(applied).toEqual(migrationsFor(engine).map((m) => m.name))
    expect(applied).toContain('001_sessions.sql')
    await db.destroy()
    const again = await openDatabase(url)
    const n = await again
      .selectFrom('schema_migrations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(n.n)).toBe(applied.length)
    await again.destroy()
  })

  it('keeps ms times, reads them back as numbers and knows its engine inside a transaction', async () => {
    const db = await openTestDb(engine)
    const t = 1_764_500_000_123
    await db
      .insertInto('sessions')
      .values({
        id_hash: 'h',
        open_id: 'o',
        scope: 's',
        created_at: t,
        expires_at: t + 1,
        access_token: null,
        access_expires_at: null,
        ended_at: null,
        end_reason: null,
      })
      .execute()
    const row = await db.selectFrom('sessions').select(['created_at', 'expires_at']).executeTakeFirstOrThrow()
    expect(row).toEqual({ created_at: t, expires_at: t + 1 })
    await db.transaction().execute(async (trx) => {
      expect(engineOf(trx)).toBe(engine)
    })
    await db.destroy()
  })

  it('reports a unique violation the same way on both engines', async () => {
    const db = await openTestDb(engine)
    const row = { notify_id: 'n1', mer_order_id: 'm', status: null, outcome: 'x', received_at: 1 }
    await db.insertInto('pay_notifies').values(row).execute()
    const err = await db
      .insertInto('pay_notifies')
      .values(row)
      .execute()
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(isUniqueViolation(err)).toBe(true)
    await db.destroy()
  })

  it('gives every table an insertion-ordered rowid', async () => {
    const db = await openTestDb(engine)
    for (const id of ['b', 'a', 'c']) {
      await db
        .insertInto('pay_notifies')
        .values({ notify_id: id, mer_order_id: 'm', status: null, outcome: 'x', received_at: 1 })
        .execute()
    }
    const rows = await sql<{ notify_id: string }>`SELECT notify_id FROM pay_notifies ORDER BY rowid`.execute(db)
    expect(rows.rows.map((r) => r.notify_id)).toEqual(['b', 'a', 'c'])
    await db.destroy()
  })
})

describe('migrations', () => {
  const badDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'upkit-mig-'))
    writeFileSync(join(dir, '001_ok.sql'), 'CREATE TABLE a (x INTEGER);')
    writeFileSync(join(dir, '002_bad.sql'), 'CREATE TABLE b (x INTEGER); INSERT INTO nope VALUES (1);')
    return dir
  }

  it('rolls a failing SQLite migration back whole and does not mark it applied', () => {
    const db = new Database(':memory:')
    expect(() => migrateSqlite(db, badDir())).toThrow(/nope/)
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map(
      (r) => r.name,
    )
    expect(tables).toContain('a')
    expect(tables).not.toContain('b')
    expect(db.prepare("SELECT count(*) AS n FROM schema_migrations WHERE name='002_bad.sql'").get()).toEqual({ n: 0 })
  })

  it.skipIf(!TEST_PG_URL)('rolls a failing PostgreSQL migration back whole and does not mark it applied', async () => {
    const parsed = parseDatabaseUrl(testDbUrl('postgres'))
    if (parsed.engine !== 'postgres') throw new Error('expected postgres')
    const setup = new pg.Client({ connectionString: parsed.connectionString })
    await setup.connect()
    await setup.query(`CREATE SCHEMA ${parsed.schema}`)
    await setup.end()
    const pool = new pg.Pool({ connectionString: parsed.connectionString, options: `-c search_path=${parsed.schema}` })
    await expect(migratePostgres(pool, badDir())).rejects.toThrow(/002_bad.sql.*nope/)
    const tables = (
      await pool.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1', [parsed.schema])
    ).rows.map((r) => r.tablename)
    expect(tables).toContain('a')
    expect(tables).not.toContain('b')
    expect((await pool.query('SELECT name FROM schema_migrations')).rows).toEqual([{ name: '001_ok.sql' }])
    await pool.end()
  })

  it.skipIf(!TEST_PG_URL)('migrates once when three instances start on one PostgreSQL at the same time', async () => {
    const url = testDbUrl('postgres')
    const dbs = await Promise.all([openDatabase(url), openDatabase(url), openDatabase(url)])
    const rows = await dbs[0]!.selectFrom('schema_migrations').select('name').execute()
    expect(rows.length).toBe(migrationsFor('postgres').length)
    await Promise.all(dbs.map((d) => d.destroy()))
  })

  it('translates the portable subset for PostgreSQL and lets a .pg.sql file replace a step', () => {
    expect(
      toPostgres(
        'CREATE TABLE t (\n  id INTEGER PRIMARY KEY AUTOINCREMENT,\n  at integer NOT NULL, r REAL, b BLOB\n);',
      ),
    ).toBe(
      'CREATE TABLE t (\n  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY,\n  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n  at BIGINT NOT NULL, r DOUBLE PRECISION, b BYTEA\n);',
    )
    const dir = mkdtempSync(join(tmpdir(), 'upkit-mig-'))
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, '001_a.sql'), 'SELECT 1;')
    writeFileSync(join(dir, '001_a.pg.sql'), 'SELECT 2;')
    writeFileSync(join(dir, '002_pg_only.pg.sql'), 'SELECT 3;')
    expect(migrationsFor('sqlite', dir)).toEqual([{ name: '001_a.sql', sql: 'SELECT 1;' }])
    expect(migrationsFor('postgres', dir)).toEqual([
      { name: '001_a.sql', sql: 'SELECT 2;' },
      { name: '002_pg_only.sql', sql: 'SELECT 3;' },
    ])
  })

  it('understands the DATABASE_URL forms and names a wrong one', () => {
    expect(sqlitePath('sqlite:./data/upkit.db')).toBe('./data/upkit.db')
    expect(sqlitePath('sqlite::memory:')).toBe(':memory:')
    expect(parseDatabaseUrl('postgres://u:p@db:5432/upkit?schema=shop')).toEqual({
      engine: 'postgres',
      connectionString: 'postgres://u:p@db:5432/upkit',
      schema: 'shop',
    })
    expect(parseDatabaseUrl('postgresql://db/upkit')).toMatchObject({ engine: 'postgres', schema: undefined })
    expect(() => parseDatabaseUrl('mysql://x')).toThrow(/sqlite: or postgres:/)
    expect(() => parseDatabaseUrl('postgres://db/x?schema=Bad;drop')).toThrow(/schema/)
  })
})

describe.each(testEngines)('transactions on %s', (engine) => {
  it('nested atomically() joins the outer transaction, and a failure rolls all of it back', async () => {
    const { atomically, within } = await import('./kysely-db.ts')
    const db = await openTestDb(engine)
    const row = (id: string) => ({ notify_id: id, mer_order_id: 'm', status: null, outcome: 'x', received_at: 1 })
    await expect(
      atomically(db, async () => {
        await within(db).insertInto('pay_notifies').values(row('outer')).execute()
        await atomically(db, async (inner) => {
          await inner.insertInto('pay_notifies').values(row('inner')).execute()
        })
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await db.selectFrom('pay_notifies').select('notify_id').execute()).toEqual([])
    await atomically(db, async () => {
      await within(db).insertInto('pay_notifies').values(row('kept')).execute()
    })
    expect(await db.selectFrom('pay_notifies').select('notify_id').execute()).toEqual([{ notify_id: 'kept' }])
    await db.destroy()
  })
})
