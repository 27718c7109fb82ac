import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { MIGRATIONS_DIR, migrateSqlite } from './migrate.ts'

export { MIGRATION_NAME, MIGRATIONS_DIR, RENAMED_MIGRATIONS } from './migrate.ts'

export type Db = Database.Database

/** Turns `sqlite:./data/upkit.db` / `sqlite::memory:` into a path better-sqlite3 understands. */
export function sqlitePath(databaseUrl: string): string {
  const m = /^sqlite:(.+)$/.exec(databaseUrl)
  if (!m?.[1]) throw new Error(`DATABASE_URL must start with sqlite: (got ${databaseUrl})`)
  return m[1] === ':memory:' ? ':memory:' : m[1]
}

/**
 * Opens the record store: WAL journal, foreign keys, a busy timeout for concurrent writers,
 * and every pending migration from `migrations/*.sql` applied in file-name order, each in
 * its own transaction.
 */
export function openDatabase(databaseUrl: string): Db {
  const path = sqlitePath(databaseUrl)
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db)
  return db
}

export function migrate(db: Db, dir: string = MIGRATIONS_DIR): string[] {
  return migrateSqlite(db, dir)
}
