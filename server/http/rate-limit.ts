import fastifyRateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'

const LIMITED_ROUTES = ['/api/', '/notify/', '/pay/return', '/healthz']

/**
 * Requests per minute per client address on the dynamic routes (a page load's static files are
 * cheap, cached and many, so they are not counted). Decided on the route Fastify MATCHED, never
 * the raw URL: `/%61pi/x` is routed to `/api/x` and is limited like it. The address is `req.ip`,
 * which honours only TRUST_PROXY. A route may opt out with `config: { rateLimit: false }` (the 银商 notify, see docs/payments.md).
 */
export async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(fastifyRateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    allowList: (req: FastifyRequest) => !isLimitedRoute(req.routeOptions.url),
  })
}

function isLimitedRoute(route: string | undefined): boolean {
  return route !== undefined && LIMITED_ROUTES.some((prefix) => route.startsWith(prefix))
}
