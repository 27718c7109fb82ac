import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import type { KvStore } from '../store/kv.ts'
import { AppError } from './errors.ts'
import { SharedWindows } from './shared-windows.ts'

const LIMITED_ROUTES = ['/api/', '/notify/', '/pay/return', '/healthz']

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: this route is not counted against the per-address limit (the 银商 notify). */
    rateLimit?: false
  }
}

export interface RateLimitOptions {
  /** Requests per window per client address. */
  max: number
  /** @default 60_000 */
  windowMs?: number
  /** Addresses tracked at once; the least recently seen is forgotten first. @default 10_000 */
  maxAddresses?: number
  clock?: () => number
  /**
   * Count across the instances through this store (Redis: REDIS_URL); absent: in this process.
   * `syncMs`: how often the counts are exchanged (0: only on `flush()`, for tests). @default 200
   */
  shared?: { kv: KvStore; syncMs?: number; log: FastifyInstance['log'] }
}

interface Window {
  count: number
  /** When this address's window ends (here it starts at the address's first request). */
  resetAt: number
}

/**
 * A fixed window per address, started by its first request; the map keeps the most recently seen
 * addresses (a Map iterates in insertion order: each hit moves its address to the end, so the
 * first one is the least recently seen).
 */
export class AddressWindows {
  private readonly windows = new Map<string, Window>()
  private readonly windowMs: number
  private readonly maxAddresses: number
  private readonly clock: () => number

  constructor(options: Omit<RateLimitOptions, 'max'> = {}) {
    this.windowMs = options.windowMs ?? 60_000
    this.maxAddresses = options.maxAddresses ?? 10_000
    this.clock = options.clock ?? Date.now
  }

  /** Counts one request of `address`: how many it has made in its window, and when the window ends. */
  hit(address: string): Window {
    const now = this.clock()
    let w = this.windows.get(address)
    if (w === undefined || w.resetAt <= now) {
      w = { count: 0, resetAt: now + this.windowMs }
    } else {
      this.windows.delete(address) // re-inserted below: now the most recently seen
    }
    w.count++
    this.windows.set(address, w)
    if (this.windows.size > this.maxAddresses) {
      const oldest = this.windows.keys().next()
      if (!oldest.done) this.windows.delete(oldest.value)
    }
    return w
  }
}

const rateLimited = () => new AppError(429, 'RATE_LIMITED', '请求过于频繁，请稍后再试')

/**
 * Requests per minute per client address on the dynamic routes (a page load's static files are
 * cheap, cached and many, so they are not counted). Decided once per route, when it is
 * registered, on the route Fastify MATCHES, never the raw URL: `/%61pi/x` is routed to `/api/x`
 * and is limited like it. The address is `req.ip`, which honours only TRUST_PROXY. A route may
 * opt out with `config: { rateLimit: false }` (the 银商 notify, see docs/payments.md).
 * Answers carry `x-ratelimit-limit`, `-remaining` and `-reset` (seconds); a refused one also
 * `retry-after`. Without `shared` counted in this process, a window per address from its first
 * request; with it, in clock-aligned windows across the instances (shared-windows.ts), the
 * decision still synchronous. Returns the shared counter (its `flush()` for tests), if any.
 */
export function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): SharedWindows | undefined {
  const clock = options.clock ?? Date.now
  const { shared: sharing, ...counting } = options
  const shared = sharing ? new SharedWindows({ ...counting, ...sharing, clock }) : undefined
  if (shared) app.addHook('onClose', async () => shared.stop())
  const windows: { hit(address: string): Window } = shared ?? new AddressWindows({ ...counting, clock })
  const max = options.max
  const limit = String(max)
  // callback style, attached only to the routes it applies to: no promise and no route test per request
  const hook: onRequestHookHandler = (req: FastifyRequest, reply: FastifyReply, done) => {
    const w = windows.hit(req.ip ?? '')
    const reset = String(Math.max(0, Math.ceil((w.resetAt - clock()) / 1000)))
    reply.header('x-ratelimit-limit', limit)
    reply.header('x-ratelimit-reset', reset)
    if (w.count > max) {
      reply.header('x-ratelimit-remaining', '0')
      reply.header('retry-after', reset)
      return done(rateLimited())
    }
    reply.header('x-ratelimit-remaining', String(max - w.count))
    done()
  }
  app.addHook('onRoute', (route) => {
    if (route.config?.rateLimit === false || !isLimitedRoute(route.url)) return
    const own = route.onRequest
    route.onRequest = own === undefined ? [hook] : Array.isArray(own) ? [...own, hook] : [own, hook]
  })
  return shared
}

function isLimitedRoute(route: string | undefined): boolean {
  return route !== undefined && LIMITED_ROUTES.some((prefix) => route.startsWith(prefix))
}
