import { AsyncLocalStorage } from 'node:async_hooks'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import {
  CompiledQuery,
  sql,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
  type Transaction,
} from 'kysely'
import pg from 'pg'
import { migratePostgres, migrateSqlite, type Engine } from './migrate.ts'
import type { Tables } from './schema.ts'

export type { Engine } from './migrate.ts'
/** The record store: one typed query builder over SQLite or PostgreSQL. */
export type Db = Kysely<Tables>
/** A store handle inside a transaction (repositories accept either). */
export type Tx = Transaction<Tables>

const engines = new WeakMap<object, Engine>()

/** Which engine a store (or a transaction opened on it) runs on. */
export function engineOf(db: Kysely<Tables>): Engine {
  const engine = engines.get(db.getExecutor().adapter)
  if (!engine) throw new Error('not a store opened by openDatabase')
  return engine
}

export type ParsedUrl =
  { engine: 'sqlite'; path: string } | { engine: 'postgres'; connectionString: string; schema: string | undefined }

/**
 * `sqlite:./data/upkit.db`, `sqlite::memory:`, or `postgres://user:pass@host:5432/db` (also
 * `postgresql://`) with an optional `?schema=name` (created if missing, used as search_path).
 */
export function parseDatabaseUrl(databaseUrl: string): ParsedUrl {
  const lite = /^sqlite:(.+)$/.exec(databaseUrl)
  if (lite?.[1]) return { engine: 'sqlite', path: lite[1] }
  if (/^postgres(ql)?:\/\/[^/]/.test(databaseUrl)) {
    const url = new URL(databaseUrl)
    const schema = url.searchParams.get('schema') ?? undefined
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new Error('DATABASE_URL schema must be a lower-case identifier (a-z, 0-9, _)')
    }
    url.searchParams.delete('schema')
    return { engine: 'postgres', connectionString: url.toString(), schema }
  }
  throw new Error('DATABASE_URL must start with sqlite: or postgres://')
}

/** Kept for callers that only handle SQLite. */
export function sqlitePath(databaseUrl: string): string {
  const parsed = parseDatabaseUrl(databaseUrl)
  if (parsed.engine !== 'sqlite') throw new Error(`DATABASE_URL must start with sqlite: (got ${databaseUrl})`)
  return parsed.path
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE: the write lock is taken up front, so two
 * processes sharing the file never both read and then fail to upgrade (SQLITE_BUSY mid-way).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly cfg: SqliteDialectConfig) {
    super(cfg)
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.cfg)
  }
}

/** int8 (counts, ms times) and numeric (sums) come back as numbers: every value here fits 2^53. */
const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 || oid === 1700
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
}

export interface OpenOptions {
  /** PostgreSQL pool size per instance. @default 10 */
  poolMax?: number
}

/**
 * Opens the record store named by DATABASE_URL and applies every pending migration.
 * SQLite: WAL journal, foreign keys, a busy timeout for other processes on the same file.
 * PostgreSQL: a connection pool; migrations under an advisory lock (N instances start safely).
 */
export async function openDatabase(databaseUrl: string, options: OpenOptions = {}): Promise<Db> {
  const parsed = parseDatabaseUrl(databaseUrl)
  if (parsed.engine === 'sqlite') {
    const path = parsed.path
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    const raw = new Database(path)
    raw.pragma('journal_mode = WAL')
    raw.pragma('synchronous = NORMAL')
    raw.pragma('foreign_keys = ON')
    raw.pragma('busy_timeout = 5000')
    try {
      migrateSqlite(raw)
    } catch (err) {
      raw.close()
      throw err
    }
    return sqliteStore(raw)
  }
  if (parsed.schema) {
    const admin = new pg.Client({ connectionString: parsed.connectionString })
    await admin.connect()
    try {
      // IF NOT EXISTS is not safe against a concurrent CREATE: instances starting together take turns
      await admin.query('BEGIN')
      await admin.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`upkit-schema:${parsed.schema}`])
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${parsed.schema}`)
      await admin.query('COMMIT')
    } finally {
      await admin.end()
    }
  }
  const pool = new pg.Pool({
    connectionString: parsed.connectionString,
    max: options.poolMax ?? 10,
    types: PG_TYPES,
    ...(parsed.schema ? { options: `-c search_path=${parsed.schema}` } : {}),
  })
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => {})
  try {
    await migratePostgres(pool)
  } catch (err) {
    await pool.end()
    throw err
  }
  return register(new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }), 'postgres')
}

/** A store over an open better-sqlite3 handle (migrated by the caller). */
export function sqliteStore(raw: Database.Database): Db {
  return register(new Kysely<Tables>({ dialect: new ImmediateSqliteDialect({ database: raw }) }), 'sqlite')
}

function register(db: Db, engine: Engine): Db {
  engines.set(db.getExecutor().adapter, engine)
  return db
}

/** True for a unique/primary-key violation on either engine (a concurrent insert won the race). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown } | null
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE'
}

const activeTx = new AsyncLocalStorage<{ root: Db; trx: Db }>()

/**
 * Runs `fn` in one transaction (BEGIN IMMEDIATE on SQLite; READ COMMITTED plus row locks on
 * PostgreSQL), or inside the caller's: when `db` is a transaction, or when `fn` runs within an
 * `atomically` on the same store (nested calls join the outer transaction, as savepoint-free
 * nesting). Store methods read the current handle with `within(db)`.
 */
export function atomically<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db)
  const active = activeTx.getStore()
  if (active?.root === db) return fn(active.trx)
  return db.transaction().execute((trx) => activeTx.run({ root: db, trx }, () => fn(trx)))
}

/**
 * The handle a store query must use: the transaction opened by an enclosing `atomically` on this
 * store, else `db`. (On SQLite a query outside the open transaction would wait for it forever.)
 */
export function within(db: Db): Db {
  const active = activeTx.getStore()
  return active?.root === db ? active.trx : db
}

/**
 * Inside a transaction: serialises every transaction that takes the same `key` until they end
 * (PostgreSQL: a transaction-level advisory lock; SQLite: BEGIN IMMEDIATE already serialises all
 * writers). For decisions over rows that may not exist yet — a daily sum, a first insert.
 */
export async function lockKey(db: Db, key: string): Promise<void> {
  if (engineOf(db) !== 'postgres') return
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(within(db))
}

/**
 * Whether reads that decide a write must lock their rows (`SELECT … FOR UPDATE`): on PostgreSQL
 * yes; SQLite's BEGIN IMMEDIATE already serialises every writer.
 */
export function locksRows(db: Db): boolean {
  return engineOf(db) === 'postgres'
}
