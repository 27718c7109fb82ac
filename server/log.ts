import type { FastifyInstance, FastifyRequest } from 'fastify'

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

/** One line per answered request (method, redacted URL, address, status, time), at info. */
export function logAccess(app: FastifyInstance): void {
  app.addHook('onResponse', (req, reply, done) => {
    req.log.info({ req, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, 'request completed')
    done()
  })
}
