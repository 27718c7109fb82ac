import pg from 'pg'
import { TEST_PG_URL, TEST_SCHEMA_PREFIX } from './db.ts'

/** Vitest global setup: after the run, drops the PostgreSQL schemas the tests made. */
export default function setup(): () => Promise<void> {
  return async () => {
    if (!TEST_PG_URL) return
    const client = new pg.Client({ connectionString: TEST_PG_URL })
    await client.connect()
    try {
      const { rows } = await client.query<{ nspname: string }>(
        `SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)`,
        [TEST_SCHEMA_PREFIX],
      )
      for (const r of rows) await client.query(`DROP SCHEMA IF EXISTS "${r.nspname}" CASCADE`)
    } finally {
      await client.end()
    }
  }
}
