import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import Fastify, { LogController } from 'fastify'
import { lazyRequestLogger, REDACT_PATHS, redactUrl } from './log.ts'
import { startTestServer } from './test/harness.ts'

describe('log redaction', () => {
  it('hides credentials and personal data in query strings', () => {
    const out = redactUrl('/api/oauth/callback?code=ab%2B%2Fcd%3D%3D&state=xyz&lang=zh')
    expect(out).not.toContain('ab%2B')
    expect(out).not.toContain('xyz')
    expect(out).toContain('lang=zh')
    expect(redactUrl('/healthz')).toBe('/healthz')
  })
})

describe('access lines', () => {
  async function linesAt(level: 'info' | 'debug') {
    let out = ''
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString()
        done()
      },
    })
    const s = await startTestServer({ LOG_LEVEL: level }, { logStream: stream })
    await s.app.inject({ method: 'GET', url: '/healthz' })
    await s.app.inject({ method: 'GET', url: '/api/pay/orders/UPKnosuchorder1' })
    await s.app.inject({ method: 'GET', url: '/api/oauth/callback?state=nosuchstate&code=x' })
    await s.close()
    return out
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as {
            level: number
            msg: string
            code?: string
            req?: { url: string }
            res?: { statusCode: number }
          },
      )
      .filter((l) => l.req)
  }

  it('a good request is a debug line; a 4xx is a warning carrying the error code (JSON or server page)', async () => {
    const info = await linesAt('info')
    expect(info.map((l) => [l.level, l.res?.statusCode, l.code])).toEqual([
      [40, 404, 'NO_ORDER'],
      [40, 400, 'STATE_UNKNOWN'],
    ])
    expect(info[0]?.msg).toBe('request failed: NO_ORDER')
    const debug = await linesAt('debug')
    expect(debug.find((l) => l.req?.url === '/healthz')).toMatchObject({ level: 20, msg: 'request completed' })
  })
})

describe('the per-request logger', () => {
  function lines() {
    let out = ''
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString()
        done()
      },
    })
    return {
      stream,
      read: () =>
        out
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
    }
  }

  it('is a child bound to the request id, with the redaction, built only when a request logs', async () => {
    const { stream, read } = lines()
    const app = Fastify({
      logger: { level: 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, stream },
      childLoggerFactory: lazyRequestLogger,
      // as the app: no "incoming request" line through the request's logger
      logController: new LogController({ disableRequestLogging: true }),
    })
    let children = 0
    const child = app.log.child.bind(app.log)
    app.log.child = (...args: Parameters<typeof child>) => {
      children++
      return child(...args)
    }
    app.get('/quiet', async () => 'ok')
    app.get('/loud', async (req) => {
      req.log.warn({ body: { frontToken: 'secret-token', n: 1 } }, 'something to see')
      req.log.info('and more')
      return 'ok'
    })
    await app.ready()
    children = 0
    await app.inject({ method: 'GET', url: '/quiet' })
    expect(children).toBe(0)
    await app.inject({ method: 'GET', url: '/loud' })
    expect(children).toBe(1)
    await app.close()
    const logged = read().filter((l) => l.msg === 'something to see' || l.msg === 'and more')
    expect(logged).toHaveLength(2)
    expect(logged[0]).toMatchObject({ level: 40, reqId: 'req-2', body: { frontToken: '[redacted]', n: 1 } })
    expect(logged[1]).toMatchObject({ level: 30, reqId: 'req-2' })
  })
})
