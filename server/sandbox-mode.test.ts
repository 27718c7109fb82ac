import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'
import { adminOpenWithoutToken, sandboxBanner } from './sandbox-mode.ts'
import { startTestServer } from './test/harness.ts'

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env)
  } catch (e) {
    if (e instanceof ConfigError) return e.problems
    throw e
  }
  return []
}

const CHINAUMS = {
  CHINAUMS_APP_ID: 'real-app',
  CHINAUMS_APP_KEY: 'real-key',
  CHINAUMS_MD5_KEY: 'real-md5',
  CHINAUMS_MID: '898340149000005',
  CHINAUMS_TID: '88880001',
  CHINAUMS_SOURCE_ID: '1017',
}

describe('sandbox mode is explicit or unmistakable', () => {
  it('refuses to start with real 银商 credentials and no SANDBOX, one line per platform, no values echoed', () => {
    const problems = problemsOf(CHINAUMS)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(
      /^SANDBOX: real 银商 credentials are set \(CHINAUMS_APP_ID, CHINAUMS_APP_KEY, CHINAUMS_MD5_KEY, CHINAUMS_MID, CHINAUMS_TID\)/,
    )
    expect(problems[0]).toContain('SANDBOX=1')
    expect(problems.join('\n')).not.toContain('real-key')
    const both = problemsOf({ ...CHINAUMS, UNIONPAY_SECRET: 's', UNIONPAY_ACP_MER_ID: '777290058110048' })
    expect(both.map((p) => p.match(/real (\S+) credentials/)?.[1])).toEqual(['云闪付开放平台', '银商', '全渠道'])
  })

  it('the server process exits at start with that line when run with mixed credentials', () => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      ...CHINAUMS,
      DOTENV_CONFIG_PATH: '/nonexistent',
    }
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('config error: SANDBOX: real 银商 credentials are set')
    expect(run.stderr).not.toContain('real-key')
  })

  it('starts the sandbox when asked explicitly, or when no credential is set at all', () => {
    expect(loadConfig({ ...CHINAUMS, SANDBOX: '1' }).sandbox).toBe(true)
    expect(loadConfig({}).sandbox).toBe(true)
    expect(problemsOf({ ...CHINAUMS, SANDBOX: '0' }).some((p) => p.startsWith('SANDBOX'))).toBe(false)
  })

  it('prints a loud banner in sandbox mode that names any gateway that is not local', () => {
    const local = sandboxBanner(loadConfig({}))
    expect(local.join('\n')).toContain('SANDBOX MODE')
    expect(local.join('\n')).toContain('沙箱模式')
    const remote = sandboxBanner(loadConfig({ SANDBOX: '1', CHINAUMS_BASE_URL: 'https://api-mop.chinaums.com' }))
    expect(remote.join('\n')).toContain('not local: https://api-mop.chinaums.com')
  })

  it('never opens merchant actions without ADMIN_TOKEN against a real gateway', async () => {
    expect(adminOpenWithoutToken(loadConfig({}))).toBe(true)
    const config = { SANDBOX: '1', CHINAUMS_BASE_URL: 'https://api-mop.chinaums.com' }
    expect(adminOpenWithoutToken(loadConfig(config))).toBe(false)
    const s = await startTestServer(config)
    try {
      const refund = await s.app.inject({
        method: 'POST',
        url: '/api/pay/orders/10172026113000000001234567/refund',
        headers: { 'content-type': 'application/json' },
        payload: { refundAmount: 1 },
      })
      expect(refund.statusCode).toBe(403)
      expect(refund.json()).toMatchObject({ error: { code: 'ADMIN_DISABLED' } })
      expect((await s.app.inject({ method: 'GET', url: '/api/pay/orders' })).statusCode).toBe(403)
    } finally {
      await s.close()
    }
  })
})
