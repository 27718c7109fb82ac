import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify'

/** Query parameters whose values are credentials or personal data; never logged. */
const SENSITIVE_QUERY =
  /^(code|state|token|accessToken|backendToken|frontToken|sign|signature|openId|mobile|authorization|content)$/i

export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const params = new URLSearchParams(url.slice(q + 1))
  for (const key of [...params.keys()]) if (SENSITIVE_QUERY.test(key)) params.set(key, '[redacted]')
  return `${url.slice(0, q)}?${params.toString()}`
}

/** Pino redaction paths: headers and body fields that carry secrets or personal data. */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.secret',
  '*.appKey',
  '*.md5Key',
  '*.symmetricKey',
  '*.privateKey',
  '*.accessToken',
  '*.backendToken',
  '*.frontToken',
  '*.mobile',
  '*.certId',
  '*.realName',
  '*.signature',
]

export const requestSerializer = (req: FastifyRequest) => ({
  method: req.method,
  url: redactUrl(req.url),
  remoteAddress: req.ip,
})

const ERROR_CODE = Symbol('errorCode')
type WithErrorCode = FastifyRequest & { [ERROR_CODE]?: string }

/** The code of an error answer: `{"error":{"code":"…"}}` (the API) or `data-error-code="…"` (server-written pages). */
export function errorCodeOf(payload: unknown): string | undefined {
  if (typeof payload !== 'string') return undefined
  const m =
    /^\{"error":\{"code":"([A-Za-z0-9_]{1,64})"/.exec(payload) ?? /data-error-code="([A-Za-z0-9_]{1,64})"/.exec(payload)
  return m?.[1]
}

/**
 * One line per answered request (request id, method, redacted URL, address, status, time): at debug
 * when it went well, a warning carrying the error code for 4xx and 5xx (401, not logged in, at info), so the default
 * `info` level shows problems, not traffic. The line is built only from those fields, none of which can hold
 * a secret (the URL's sensitive query values are already replaced), so it is written by a child
 * logger without the wildcard redaction paths: walking them cost a sixth of the signing route's time
 * (profiled, bench/README.md). Every other log call keeps the full redaction.
 */
export function logAccess(app: FastifyInstance): void {
  const access = app.log.child({}, { redact: [] })
  // callback style: an async hook costs a promise on every answer of the hot signing route
  app.addHook('onSend', (req, reply, payload, done) => {
    if (reply.statusCode >= 400) {
      const code = errorCodeOf(payload)
      if (code) (req as WithErrorCode)[ERROR_CODE] = code
    }
    done(null, payload)
  })
  app.addHook('onResponse', (req, reply, done) => {
    const status = reply.statusCode
    if (status < 400 && access.level !== 'debug' && access.level !== 'trace') return done()
    const line = { reqId: req.id, req, res: { statusCode: status }, responseTime: reply.elapsedTime }
    if (status < 400) {
      access.debug(line, 'request completed')
    } else {
      const code = (req as WithErrorCode)[ERROR_CODE] ?? `HTTP_${status}`
      // a visitor who is not logged in is the ordinary case (every page asks /api/me): info, not a warning
      access[status === 401 ? 'info' : 'warn']({ ...line, code }, `request failed: ${code}`)
    }
    done()
  })
}

type LogMethod = (...args: unknown[]) => void
type Bindings = Parameters<FastifyBaseLogger['child']>[0]
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>

/**
 * Fastify's per-request logger (`req.log`, bound to the request id), created when first used.
 * Fastify builds one per request; with the redaction paths, pino's child costs about 1.6 µs,
 * and a request that goes well logs nothing through it (its access line at debug goes through
 * `logAccess`'s own logger). A used one is a real pino child: same bindings, same redaction.
 */
class RequestLogger {
  private real: FastifyBaseLogger | undefined
  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get log(): FastifyBaseLogger {
    return (this.real ??= this.parent.child(this.bindings, this.options))
  }
  private call(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent', args: unknown[]): void {
    const log = this.log
    ;(log[level] as LogMethod).apply(log, args)
  }

  get level(): string {
    return this.real?.level ?? this.options.level ?? this.parent.level
  }
  set level(level: string) {
    this.log.level = level
  }
  fatal(...args: unknown[]): void {
    this.call('fatal', args)
  }
  error(...args: unknown[]): void {
    this.call('error', args)
  }
  warn(...args: unknown[]): void {
    this.call('warn', args)
  }
  info(...args: unknown[]): void {
    this.call('info', args)
  }
  debug(...args: unknown[]): void {
    this.call('debug', args)
  }
  trace(...args: unknown[]): void {
    this.call('trace', args)
  }
  silent(...args: unknown[]): void {
    this.call('silent', args)
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.log.child(bindings, options)
  }
}

/** Fastify's `childLoggerFactory`: the request's logger, built on first use (see RequestLogger). */
export function lazyRequestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new RequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger
}
