import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  onResponseHookHandler,
} from 'fastify'
import type { KvStore } from '../store/kv.ts'
import { AppError } from './errors.ts'
import { SharedWindows } from './shared-windows.ts'

const LIMITED_ROUTES = ['/api/', '/notify/', '/pay/return', '/healthz']

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `false`: not counted. `'refused-notifications'`: a platform's notification route: only the
     * notifications it refuses count (`refuseNotification`), and an address is turned away once it
     * has had the limit's worth refused in the window; verified ones are never counted.
     */
    rateLimit?: false | 'refused-notifications'
  }
  interface FastifyRequest {
    /** Set by `refuseNotification`: this request's notification was refused. */
    notificationRefused: boolean
  }
}

/** The route options of a platform's notification route (see `registerRateLimit`). */
export const NOTIFICATION_ROUTE = { config: { rateLimit: 'refused-notifications' } } as const

/**
 * Marks the notification `req` carries as refused (it did not verify or could not be read), for
 * the per-address count of refused notifications on `'refused-notifications'` routes.
 */
export function refuseNotification(req: FastifyRequest): void {
  req.notificationRefused = true
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

/** The sync of the shared counts, for tests (`flush`). */
export interface RateLimitSync {
  flush(): Promise<void>
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

  /** The address's count in its window without counting (0 when it has none open). */
  peek(address: string): Window {
    const w = this.windows.get(address)
    const now = this.clock()
    return w === undefined || w.resetAt <= now ? { count: 0, resetAt: now + this.windowMs } : w
  }
}

interface Counter {
  hit(address: string): Window
  peek(address: string): Window
}

const rateLimited = () => new AppError(429, 'RATE_LIMITED', '请求过于频繁，请稍后再试')

/**
 * Requests per minute per client address on the dynamic routes (a page load's static files are
 * cheap, cached and many, so they are not counted). Decided once per route, when it is
 * registered, on the route Fastify MATCHES, never the raw URL: `/%61pi/x` is routed to `/api/x`
 * and is limited like it. The address is `req.ip`, which honours only TRUST_PROXY. A route may
 * opt out with `config: { rateLimit: false }`. The platforms' notification routes
 * (`config: { rateLimit: 'refused-notifications' }`) count only the notifications they refuse:
 * a platform sends every merchant's notifications from a few addresses and retries what is not
 * accepted, so its genuine ones must not count, while an address sending forgeries is
 * turned away after `max` refusals in a window.
 * Answers carry `x-ratelimit-limit`, `-remaining` and `-reset` (seconds); a refused one also
 * `retry-after`. Without `shared` counted in this process, a window per address from its first
 * request; with it, in clock-aligned windows across the instances (shared-windows.ts), the
 * decision still synchronous. Returns the shared counts' sync (its `flush()` for tests), if any.
 */
export function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): RateLimitSync | undefined {
  const clock = options.clock ?? Date.now
  const { shared: sharing, ...counting } = options
  const counter = (name: string): Counter =>
    sharing ? new SharedWindows({ ...counting, ...sharing, name, clock }) : new AddressWindows({ ...counting, clock })
  const requests = counter('ratelimit')
  const refusals = counter('ratelimit-refused')
  const shared = [requests, refusals].filter((c): c is SharedWindows => c instanceof SharedWindows)
  if (shared.length) app.addHook('onClose', async () => shared.forEach((c) => c.stop()))
  const max = options.max
  const limit = String(max)
  const secondsTo = (resetAt: number) => String(Math.max(0, Math.ceil((resetAt - clock()) / 1000)))
  // callback style, attached only to the routes it applies to: no promise and no route test per request
  const countRequest: onRequestHookHandler = (req: FastifyRequest, reply: FastifyReply, done) => {
    const w = requests.hit(req.ip ?? '')
    const reset = secondsTo(w.resetAt)
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
  const turnAwayRefused: onRequestHookHandler = (req: FastifyRequest, reply: FastifyReply, done) => {
    const w = refusals.peek(req.ip ?? '')
    if (w.count < max) return done()
    reply.header('retry-after', secondsTo(w.resetAt))
    done(rateLimited())
  }
  const countRefused: onResponseHookHandler = (req: FastifyRequest, _reply: FastifyReply, done) => {
    if (req.notificationRefused) refusals.hit(req.ip ?? '')
    done()
  }
  app.decorateRequest('notificationRefused', false)
  app.addHook('onRoute', (route) => {
    const kind = route.config?.rateLimit
    if (kind === false || !isLimitedRoute(route.url)) return
    if (kind === 'refused-notifications') {
      route.onRequest = [...hooks(route.onRequest), turnAwayRefused]
      route.onResponse = [...hooks(route.onResponse), countRefused]
    } else route.onRequest = [...hooks(route.onRequest), countRequest]
  })
  return shared.length ? { flush: async () => void (await Promise.all(shared.map((c) => c.flush()))) } : undefined
}

const hooks = <T>(own: T | T[] | undefined): T[] => (own === undefined ? [] : Array.isArray(own) ? own : [own])

function isLimitedRoute(route: string | undefined): boolean {
  return route !== undefined && LIMITED_ROUTES.some((prefix) => route.startsWith(prefix))
}
