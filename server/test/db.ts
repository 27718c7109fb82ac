import { randomBytes } from 'node:crypto'
import { openDatabase, type Db, type Engine } from '../store/kysely-db.ts'

/**
 * The engines the server tests run against. SQLite always; PostgreSQL when UPKIT_TEST_PG_URL
 * names a server (CI always sets it; locally it is skipped when absent).
 */
export const TEST_PG_URL = process.env.UPKIT_TEST_PG_URL || undefined

export const testEngines: Engine[] = TEST_PG_URL ? ['sqlite', 'postgres'] : ['sqlite']

/**
 * The engine of tests that build a whole server: UPKIT_TEST_DB=postgres runs the server suite
 * on PostgreSQL (`.ci/run` runs it both ways).
 */
export function defaultTestEngine(): Engine {
  if (process.env.UPKIT_TEST_DB !== 'postgres') return 'sqlite'
  if (!TEST_PG_URL) throw new Error('UPKIT_TEST_DB=postgres needs UPKIT_TEST_PG_URL')
  return 'postgres'
}

/** Schemas made for tests start with this; the global teardown drops them. */
export const TEST_SCHEMA_PREFIX = 'upkit_t_'

/** A DATABASE_URL for one fresh, empty store: SQLite in memory, or a new PostgreSQL schema. */
export function testDbUrl(engine: Engine = defaultTestEngine()): string {
  if (engine === 'sqlite') return 'sqlite::memory:'
  // read now, not at import: `npm run bench` sets it from UPKIT_BENCH_PG_URL after importing this
  const base = process.env.UPKIT_TEST_PG_URL
  if (!base) throw new Error('PostgreSQL tests need UPKIT_TEST_PG_URL')
  const url = new URL(base)
  url.searchParams.set('schema', TEST_SCHEMA_PREFIX + randomBytes(6).toString('hex'))
  return url.toString()
}

/** A fresh, migrated store on `engine`. */
export function openTestDb(engine: Engine = defaultTestEngine()): Promise<Db> {
  return openDatabase(testDbUrl(engine))
}
