import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError, forbidden } from './errors.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
/**
 * Exempt by design: notifications are server-to-server (the platforms sign them); the pay return
 * page is the gateway's redirect (signed); the sandbox plays the platforms, whose pages post to
 * themselves. Decided on the ROUTED path.
 */
const EXEMPT_ROUTES = ['/notify/', '/pay/return', '/sandbox']

export interface CsrfOptions {
  /** Origins whose pages may change state: the app's own (PUBLIC_BASE_URL). */
  allowedOrigins: readonly string[]
}

/**
 * Every state-changing request must come from the app's own pages: its `Origin` must be allowed,
 * or — when a browser sends no Origin — `Sec-Fetch-Site` must say same-origin. Requests with
 * neither header are not from a browser (curl, the merchant's back office) and cannot carry a
 * victim's cookies by a browser's hand. Bodies must be JSON: a form or text/plain post (what a
 * foreign page can send without a preflight) is refused.
 */
export function registerCsrfGuard(app: FastifyInstance, options: CsrfOptions): void {
  const allowed = new Set(options.allowedOrigins)
  // callback style, like the other hooks on every request: no promise per request
  app.addHook('onRequest', (req, _reply, done) => {
    try {
      checkRequest(req, allowed)
    } catch (err) {
      return done(err as Error)
    }
    done()
  })
}

function checkRequest(req: FastifyRequest, allowed: ReadonlySet<string>): void {
  if (SAFE_METHODS.has(req.method)) return
  const route = req.routeOptions.url
  if (route === undefined || EXEMPT_ROUTES.some((p) => route.startsWith(p))) return
  checkOrigin(req, allowed)
  const type = req.headers['content-type']
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
    throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请求体须为 JSON（Content-Type: application/json）')
  }
}

function checkOrigin(req: FastifyRequest, allowed: ReadonlySet<string>): void {
  const origin = req.headers.origin
  if (origin !== undefined) {
    if (!allowed.has(origin)) throw forbidden('CROSS_ORIGIN_REFUSED', '拒绝来自其他网站的请求（Origin 不符）')
    return
  }
  const site = req.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin') {
    throw forbidden('CROSS_ORIGIN_REFUSED', '拒绝来自其他网站的请求（Sec-Fetch-Site 不符）')
  }
}
