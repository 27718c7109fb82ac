import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { withInAppPreloads } from '../../common/starter.ts'
import { injectClientSettings, type ClientSettings } from '../http/client-settings.ts'
import { isCloudpayUserAgent } from '../http/user-agent.ts'

const API_PREFIXES = ['/api/', '/notify/', '/sandbox/', '/healthz', '/readyz', '/pay/return']

/** The built index.html in `distDir`, or undefined when there is none (the API alone is served). */
export function readIndexHtml(distDir: string): string | undefined {
  const path = join(distDir, 'index.html')
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined
}

/**
 * Serves the built H5 app from `dist/` with an SPA fallback: any GET for a page that is not an
 * API route gets index.html, with this deployment's settings injected (one build for every
 * environment). Hashed assets are cached for a year, index.html never; compressed files are
 * the ones `vite build` wrote (scripts/vite-precompress.ts). A page opened inside 云闪付 gets its
 * Zepto and upsdk.js preloads as markup (`withInAppPreloads`), found with the HTML.
 */
export async function registerStatic(
  app: FastifyInstance,
  distDir: string,
  settings: ClientSettings = {},
): Promise<boolean> {
  const built = readIndexHtml(distDir)
  if (built === undefined) return false
  const indexHtml = injectClientSettings(built, settings)
  const inAppHtml = withInAppPreloads(indexHtml)
  await app.register(fastifyStatic, {
    root: distDir,
    wildcard: false,
    index: false,
    // dist/ holds `.br` and `.gz` twins written at `vite build`: sent as they are, nothing compressed per request.
    preCompressed: true,
    // Source maps stay on disk for error reporting; they are never served.
    allowedPath: (path) => !path.endsWith('.map'),
    setHeaders(res, path) {
      if (path.includes(`${join('dist', 'assets')}`)) res.header('cache-control', 'public, max-age=31536000, immutable')
      else res.header('cache-control', 'no-cache')
    },
  })
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return
    // the route Fastify matched (`/%61pi/me` is `/api/me`), else the URL's path
    const path = req.routeOptions.url ?? req.url.split('?')[0] ?? '/'
    if (API_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) return
    if (/\.[a-z0-9]+$/i.test(path) && path !== '/index.html') return
    reply.header('cache-control', 'no-cache')
    reply.header('vary', 'User-Agent')
    const html = isCloudpayUserAgent(req.headers['user-agent']) ? inAppHtml : indexHtml
    return reply.type('text/html; charset=utf-8').send(html)
  })
  return true
}
