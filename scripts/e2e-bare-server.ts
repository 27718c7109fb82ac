import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { SANDBOX_CHINAUMS, SANDBOX_UNIONPAY } from '../server/sandbox/credentials.ts'

/**
 * A second e2e server for "a deployment without 全渠道": SANDBOX=0, no UNIONPAY_ACP_*, the
 * other platforms reached by URL at the main e2e server's sandbox (PLATFORM_BASE). It serves the
 * same built front end. Port: BARE_PORT.
 */
const port = process.env.BARE_PORT ?? '8905'
const platform = process.env.PLATFORM_BASE ?? 'http://127.0.0.1:8790'
const db = `.tmp/e2e-bare-${port}.db`
mkdirSync('.tmp', { recursive: true })
for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true })
for (const k of Object.keys(process.env)) if (k.startsWith('UNIONPAY_ACP_')) delete process.env[k]
Object.assign(process.env, {
  PORT: port,
  HOST: '127.0.0.1',
  PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
  SANDBOX: '0',
  DATABASE_URL: `sqlite:./${db}`,
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '100000',
  UNIONPAY_OPEN_BASE_URL: `${platform}/sandbox/unionpay`,
  UNIONPAY_APP_ID: SANDBOX_UNIONPAY.appId,
  UNIONPAY_SECRET: SANDBOX_UNIONPAY.secret,
  UNIONPAY_SYMMETRIC_KEY: SANDBOX_UNIONPAY.symmetricKey,
  // Only for verifying 开放平台 notifications, which this test does not send.
  UNIONPAY_PUBLIC_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ type: 'spki', format: 'der' })
    .toString('base64'),
  UPSDK_ALLOWED_ORIGINS: `http://127.0.0.1:${port}`,
  CHINAUMS_BASE_URL: `${platform}/sandbox/chinaums`,
  CHINAUMS_APP_ID: SANDBOX_CHINAUMS.appId,
  CHINAUMS_APP_KEY: SANDBOX_CHINAUMS.appKey,
  CHINAUMS_MD5_KEY: SANDBOX_CHINAUMS.md5Key,
  CHINAUMS_MID: SANDBOX_CHINAUMS.mid,
  CHINAUMS_TID: SANDBOX_CHINAUMS.tid,
  CHINAUMS_SOURCE_ID: SANDBOX_CHINAUMS.sourceId,
})
await import('../server/index.ts')
