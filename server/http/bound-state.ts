import { createHash, randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { createNonceStr, safeEqual } from '../crypto/signing.ts'
import type { KvStore } from '../store/kv.ts'

/** sha256 of a binding cookie: what a stored state keeps, so the store never holds the cookie. */
export const hashBinding = (cookie: string) => createHash('sha256').update(cookie).digest('hex')

/** A new random browser binding for the cookie (base64url, 256 bits). */
export const newBinding = () => randomBytes(32).toString('base64url')

const BINDING_FORMAT = /^[A-Za-z0-9_-]{43}$/
const STATE_FORMAT = /^[A-Za-z0-9]{1,128}$/

/**
 * The browser's binding cookie for a redirect flow (httpOnly, SameSite=Lax, scoped to `path`),
 * issued anew when missing or malformed and refreshed otherwise.
 */
export function ensureBindingCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  cookie: { name: string; path: string; secure: boolean },
): string {
  const current = req.cookies[cookie.name]
  const binding = current && BINDING_FORMAT.test(current) ? current : newBinding()
  reply.setCookie(cookie.name, binding, {
    path: cookie.path,
    httpOnly: true,
    sameSite: 'lax',
    secure: cookie.secure,
    maxAge: 24 * 3600,
  })
  return binding
}

/** On `mismatch` the (now spent) state's data comes along, only to word the refusal: never act on it. */
export type SpentState<T> =
  { ok: true; data: T } | { ok: false; reason: 'unknown' } | { ok: false; reason: 'mismatch'; data: T }

/**
 * The `state` of a redirect to the platform (OAuth, contract sign): 32 random [A-Za-z0-9] (the
 * platform allows up to 128), single use, expiring, and bound to the browser that asked for it
 * through the sha256 of its binding cookie (`data.binding`).
 */
export class BoundStateStore<T extends { binding: string }> {
  constructor(
    private readonly kv: KvStore,
    private readonly prefix: string,
    private readonly isData: (v: unknown) => v is T,
    /** @default 600_000 (10 min: the platform page plus a slow user) */
    private readonly ttlMs = 600_000,
  ) {}

  async create(data: T): Promise<string> {
    const state = createNonceStr(32)
    await this.kv.set(this.prefix + state, JSON.stringify(data), this.ttlMs)
    return state
  }

  /** Spends the state: `unknown` when malformed, used, expired or unreadable; `mismatch` from another browser. */
  async spend(state: unknown, bindingCookie: string | undefined): Promise<SpentState<T>> {
    if (typeof state !== 'string' || !STATE_FORMAT.test(state)) return { ok: false, reason: 'unknown' }
    const raw = await this.kv.take(this.prefix + state)
    let data: unknown = null
    try {
      data = raw ? JSON.parse(raw) : null
    } catch {
      data = null
    }
    if (!this.isData(data)) return { ok: false, reason: 'unknown' }
    if (!bindingCookie || !safeEqual(data.binding, hashBinding(bindingCookie)))
      return { ok: false, reason: 'mismatch', data }
    return { ok: true, data }
  }

  /** Like `spend`, for callers that need no reason: the data, or null. */
  async take(state: unknown, bindingCookie: string | undefined): Promise<T | null> {
    const r = await this.spend(state, bindingCookie)
    return r.ok ? r.data : null
  }
}
