import 'dotenv/config'
import { ConfigError, loadConfig } from '../server/config.ts'
import { openDatabase } from '../server/store/kysely-db.ts'

/**
 * `npm run migrate`: applies pending migrations to DATABASE_URL and exits — a deploy step before
 * rolling new instances out (each instance also migrates at start, under the same lock).
 */
try {
  const config = loadConfig(process.env)
  const db = await openDatabase(config.databaseUrl)
  await db.destroy()
  console.log('upkit: the record store is up to date')
} catch (err) {
  if (err instanceof ConfigError) for (const p of err.problems) console.error(`config error: ${p}`)
  else console.error(`upkit: migration failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
