import { mkdirSync, rmSync } from 'node:fs'
import { ensureBuild } from './build-if-needed.ts'

/** The server Playwright starts: sandbox mode, a fresh SQLite file, quiet logs. */
const port = process.env.E2E_PORT ?? '8790'
const db = `.tmp/e2e-${port}.db`
mkdirSync('.tmp', { recursive: true })
for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true })
Object.assign(process.env, {
  PORT: port,
  HOST: '127.0.0.1',
  PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
  SANDBOX: '1',
  DATABASE_URL: `sqlite:./${db}`,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  // the whole suite comes from one IP within a few minutes
  RATE_LIMIT_PER_MINUTE: '100000',
  // one sandbox user drives every page of both device projects within a minute or two
  UNIONPAY_CALLS_PER_USER_PER_MINUTE: '1000',
  // the anonymous cashier tests of both projects leave their orders unpaid, all from 127.0.0.1
  PAY_MAX_UNPAID_ORDERS: '1000',
})
for (const k of ['UNIONPAY_APP_ID', 'UNIONPAY_OPEN_BASE_URL', 'CHINAUMS_BASE_URL', 'REDIS_URL']) delete process.env[k]
ensureBuild('production')
await import('../server/index.ts')
