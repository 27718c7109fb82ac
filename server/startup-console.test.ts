import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { listenFailureLine, prettyMessage, startupLines, terminalLogStream } from './startup-console.ts'

describe('start-up console output', () => {
  it('names the URL, the sandbox console, the 云闪付 UA and the phone route', () => {
    const lines = startupLines(
      { publicBaseUrl: 'http://127.0.0.1:8787', host: '127.0.0.1', port: 8787, sandbox: true },
      ['192.168.1.20'],
    )
    const text = lines.join('\n')
    expect(text).toContain('http://127.0.0.1:8787/ ')
    expect(text).toContain('http://127.0.0.1:8787/sandbox/')
    expect(text).toContain('(com.unionpay.chsp)')
    expect(text).toContain('HOST=0.0.0.0 PUBLIC_BASE_URL=http://192.168.1.20:8787')
    expect(
      startupLines({ publicBaseUrl: 'https://a.example', host: '0.0.0.0', port: 8787, sandbox: false }, []).join('\n'),
    ).not.toContain('/sandbox/')
  })

  it('a busy port is one clear line; other failures are not swallowed', () => {
    expect(listenFailureLine(Object.assign(new Error('x'), { code: 'EADDRINUSE' }), 8787)).toMatch(
      /^端口 8787 已被占用/,
    )
    expect(listenFailureLine(new Error('other'), 8787)).toBeNull()
  })

  it('a request line reads as method, path, status, code and time', () => {
    const line = {
      msg: 'request failed: NO_ORDER',
      req: { method: 'GET', url: '/api/pay/orders/x' },
      res: { statusCode: 404 },
      responseTime: 2.6,
      code: 'NO_ORDER',
    }
    expect(prettyMessage(line)).toBe('GET /api/pay/orders/x → 404 NO_ORDER 3 ms')
    expect(prettyMessage({ msg: 'payment gateway down', code: 'UPSTREAM' })).toBe('payment gateway down [UPSTREAM]')
    expect(prettyMessage({ msg: 'listening' })).toBe('listening')
  })

  it('pretty logs only in a terminal', () => {
    expect(terminalLogStream({}, false)).toBeUndefined()
    expect(terminalLogStream({ LOG_FORMAT: 'json' }, true)).toBeUndefined()
    expect(terminalLogStream({}, true)).toBeDefined()
  })

  it('the real entry started on a taken port prints one line and exits 1', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const port = (blocker.address() as { port: number }).port
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
        env: {
          PATH: process.env.PATH,
          PORT: String(port),
          HOST: '127.0.0.1',
          SANDBOX: '1',
          DATABASE_URL: 'sqlite::memory:',
          LOG_LEVEL: 'warn',
        },
        encoding: 'utf8',
        timeout: 60_000,
      })
      expect(run.status).toBe(1)
      const errLines = run.stderr.split('\n').filter((l) => /占用|EADDRINUSE/.test(l))
      expect(errLines).toEqual([
        `端口 ${port} 已被占用 / port ${port} is already in use: stop the other process or start with PORT=<another port>`,
      ])
      expect(run.stderr).not.toMatch(/\n\s+at /)
    } finally {
      blocker.close()
    }
    // as long as the child may take (a cold tsx start of the whole server on a loaded machine)
  }, 60_000)
})
