import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'

export type Db = Database.Database

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

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

/**
 * Migrations renumbered so that the numbers run without gaps or duplicates (issue 10): a record
 * store migrated under the old name keeps its history under the new one instead of re-running it.
 */
export const RENAMED_MIGRATIONS: Readonly<Record<string, string>> = {
  '003_oauth_users.sql': '002_oauth_users.sql',
  '004_contracts.sql': '003_contracts.sql',
  '005_orders.sql': '004_orders.sql',
  // issue 17: the reconciliation tables landed beside 011_nojump.sql under the same number
  '011_acp_reconcile.sql': '012_acp_reconcile.sql',
}

/** `NNN_name.sql`: three digits, an underscore, a snake_case name. */
export const MIGRATION_NAME = /^(\d{3})_[a-z0-9_]+\.sql$/

export function migrate(db: Db, dir: string = MIGRATIONS_DIR): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    applied_at INTEGER NOT NULL
  )`)
  const rename = db.prepare(
    'UPDATE schema_migrations SET name = ? WHERE name = ? AND NOT EXISTS (SELECT 1 FROM schema_migrations WHERE name = ?)',
  )
  for (const [from, to] of Object.entries(RENAMED_MIGRATIONS)) rename.run(to, from, to)
  const done = new Set(
    db
      .prepare('SELECT name FROM schema_migrations')
      .all()
      .map((r) => (r as { name: string }).name),
  )
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
  const applied: string[] = []
  for (const file of files) {
    if (done.has(file)) continue
    const sql = readFileSync(join(dir, file), 'utf8')
    db.transaction(() => {
      db.exec(sql)
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(file, Date.now())
    })()
    applied.push(file)
  }
  return applied
}
