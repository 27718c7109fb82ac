import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MIGRATION_NAME, MIGRATIONS_DIR, RENAMED_MIGRATIONS, migrate, openDatabase, sqlitePath } from './db.ts'

describe('record store', () => {
  it('opens a SQLite file in WAL mode with every migration applied once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'upkit-db-'))
    const url = `sqlite:${join(dir, 'nested', 'upkit.db')}`
    const db = openDatabase(url)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    const applied = (db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map((r) => r.name)
    expect(applied).toContain('001_sessions.sql')
    db.close()
    const again = openDatabase(url)
    expect(again.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: applied.length })
    again.close()
  })

  it('rolls a failing migration back whole and does not mark it applied', () => {
    const dir = mkdtempSync(join(tmpdir(), 'upkit-mig-'))
    writeFileSync(join(dir, '001_ok.sql'), 'CREATE TABLE a (x INTEGER);')
    writeFileSync(join(dir, '002_bad.sql'), 'CREATE TABLE b (x INTEGER); INSERT INTO nope VALUES (1);')
    const db = openDatabase('sqlite::memory:')
    expect(() => migrate(db, dir)).toThrow(/nope/)
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map(
      (r) => r.name,
    )
    expect(tables).toContain('a')
    expect(tables).not.toContain('b')
    expect(db.prepare("SELECT count(*) AS n FROM schema_migrations WHERE name='002_bad.sql'").get()).toEqual({ n: 0 })
  })

  it('understands the DATABASE_URL forms', () => {
    expect(sqlitePath('sqlite:./data/upkit.db')).toBe('./data/upkit.db')
    expect(sqlitePath('sqlite::memory:')).toBe(':memory:')
    expect(() => sqlitePath('postgres://x')).toThrow(/sqlite:/)
  })

  it('numbers the migrations 001, 002, ... without gaps or duplicates', () => {
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort()
    expect(files.length).toBeGreaterThan(0)
    files.forEach((f, i) => {
      expect(f, f).toMatch(MIGRATION_NAME)
      expect(Number(MIGRATION_NAME.exec(f)?.[1]), f).toBe(i + 1)
    })
    for (const to of Object.values(RENAMED_MIGRATIONS)) expect(files).toContain(to)
  })

  it('a record store migrated under the old names is not migrated again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'upkit-renamed-'))
    const url = `sqlite:${join(dir, 'upkit.db')}`
    const db = openDatabase(url)
    // what a record store migrated before the renumbering holds
    for (const [from, to] of Object.entries(RENAMED_MIGRATIONS))
      db.prepare('UPDATE schema_migrations SET name = ? WHERE name = ?').run(from, to)
    db.close()
    const again = openDatabase(url)
    const names = (again.prepare('SELECT name FROM schema_migrations ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    )
    expect(names).toEqual(
      readdirSync(MIGRATIONS_DIR)
        .filter((f) => f.endsWith('.sql'))
        .sort(),
    )
    again.close()
  })
})
