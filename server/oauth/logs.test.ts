import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { DEFAULT_USERS } from '../sandbox/unionpay/state.ts'

const run = promisify(execFile)
const fixture = fileURLToPath(new URL('./logs.fixture.ts', import.meta.url))
const USER = DEFAULT_USERS[0]!

describe('personal data never reaches the logs', () => {
  it('logs in, reads the mobile number and identity at LOG_LEVEL=trace; no log line carries them', async () => {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', fixture], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, NODE_ENV: 'test' },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    })
    const answer = JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}') as {
      callback: number
      location: string
      mobile: { mobile?: string }
      identity: { realName?: string; certId?: string }
    }
    // the flow really read the data ...
    expect(answer).toMatchObject({ callback: 302, location: '/profile' })
    expect(answer.mobile.mobile).toBe(USER.mobile)
    expect(answer.identity).toMatchObject({ realName: USER.realName, certId: USER.certId })
    // ... and the logs saw the requests but none of it
    expect(stdout).toContain('/api/me/mobile')
    expect(stdout.split('\n').length).toBeGreaterThan(10)
    for (const secret of [USER.mobile, USER.realName, USER.certId]) expect(stdout).not.toContain(secret)
    expect(stdout).not.toMatch(/"(mobile|realName|certId|accessToken)":"(?!\[redacted\])/)
  }, 90_000)
})
