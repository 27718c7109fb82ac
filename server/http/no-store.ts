import type { FastifyInstance } from 'fastify'

/** Answers under these prefixes are per-user or per-message: no cache may keep them. */
export const NO_STORE_PREFIXES = ['/api/', '/notify/'] as const

/**
 * `Cache-Control: no-store` by default on `/api` and `/notify` (a route may still set its own),
 * decided on the route Fastify matched (`/%61pi/me` is `/api/me`), or on the URL when none did.
 */
export function registerNoStore(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    const path = req.routeOptions.url ?? req.url
    if (NO_STORE_PREFIXES.some((p) => path.startsWith(p))) reply.header('cache-control', 'no-store')
    done()
  })
}
