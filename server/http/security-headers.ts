import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { STARTER_SCRIPT } from '../../common/starter.ts'

export const REAL_UPSDK_URL = 'https://open.95516.com/s/open/js/upsdk.js'

export interface SecurityHeaderOptions {
  publicBaseUrl: string
  /** Where the page loads upsdk.js from (VITE_UPSDK_URL): `stub` or unset in sandbox mode = the kit's own stand-in. */
  upsdkUrl: string | undefined
  sandbox: boolean
  /** Origins the app's pages may post a form to besides its own: the 全渠道 gateway (无跳转 front transactions). */
  formTargets?: readonly string[]
  /** The texts of index.html's inline `<style>` elements (the loading shell's CSS): allowed by their hashes. */
  inlineStyles?: readonly string[]
}

/** Routes whose HTML the server writes itself (sandbox pages, the OAuth error page): no script at all, inline style. */
const SERVER_PAGES = ['/api/', '/notify/', '/sandbox', '/pay/return', '/healthz']

/** The origin upsdk.js (and the cordova.js it loads from beside it) comes from, or null for the built-in stub. */
export function upsdkScriptOrigin(upsdkUrl: string | undefined, sandbox: boolean): string | null {
  const url = upsdkUrl && upsdkUrl !== '' ? upsdkUrl : sandbox ? 'stub' : REAL_UPSDK_URL
  if (!/^https?:\/\//.test(url)) return null // the stub or a path on this server: 'self'
  return new URL(url).origin
}

const cspHash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`

/** index.html's one inline script (the parallel starter), allowed by its hash and nothing else inline. */
export const STARTER_CSP_HASH = cspHash(STARTER_SCRIPT)

/** The texts of a page's inline `<style>` elements (vite.config.ts writes the loading shell's CSS so). */
export function inlineStylesOf(html: string): string[] {
  return [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '')
}

/**
 * The H5 app loads its own bundle, upsdk.js from its origin, and talks only to this server;
 * pages written by the server carry no script. Everything else is refused.
 */
export function appCsp(
  upsdkOrigin: string | null,
  formTargets: readonly string[] = [],
  inlineStyles: readonly string[] = [],
): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${STARTER_CSP_HASH}${upsdkOrigin ? ` ${upsdkOrigin}` : ''}`,
    `style-src 'self'${[...new Set(inlineStyles)].map((t) => ` ${cspHash(t)}`).join('')}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self'${formTargets.map((o) => ` ${o}`).join('')}`,
    "frame-ancestors 'none'",
  ].join('; ')
}

export const SERVER_PAGE_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** nosniff, no framing, strict referrer, CSP on every answer; HSTS when the public origin is https. */
export function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
  const csp = appCsp(upsdkScriptOrigin(options.upsdkUrl, options.sandbox), options.formTargets, options.inlineStyles)
  const https = options.publicBaseUrl.startsWith('https://')
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'strict-origin-when-cross-origin')
    reply.header('x-frame-options', 'DENY')
    const route = req.routeOptions.url
    const serverPage = route !== undefined && SERVER_PAGES.some((p) => route.startsWith(p))
    reply.header('content-security-policy', serverPage ? SERVER_PAGE_CSP : csp)
    if (https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains')
    done(null, payload)
  })
}
