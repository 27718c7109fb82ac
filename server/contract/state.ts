import { createHash, randomBytes } from 'node:crypto'
import { createNonceStr, safeEqual } from '../crypto/signing.ts'
import type { KvStore } from '../store/kv.ts'

export { safeRedirectPath } from '../http/redirect.ts'
export { parseRawPairs, rawQuery } from '../http/raw-query.ts'

/** What an authorize request leaves for its callback. */
export interface ContractState {
  planId: string
  redirect: string
  /** sha256 of the browser's binding cookie: the callback must come from the same browser. */
  binding: string
}

const KEY = (state: string) => `contract:state:${state}`
const STATE_FORMAT = /^[A-Za-z0-9]{32}$/

export const hashBinding = (cookie: string) => createHash('sha256').update(cookie).digest('hex')

/** A new random browser binding for the cookie (base64url, 256 bits). */
export const newBinding = () => randomBytes(32).toString('base64url')

/**
 * `state` of the contract sign redirect: 32 random [A-Za-z0-9] (the platform allows a-zA-Z0-9
 * up to 128 bytes), single use, expiring, and bound to the browser that asked for it.
 */
export class ContractStateStore {
  constructor(
    private readonly kv: KvStore,
    /** @default 600_000 (10 min: the sign page plus a slow user) */
    private readonly ttlMs = 600_000,
  ) {}

  async create(data: ContractState): Promise<string> {
    const state = createNonceStr(32)
    await this.kv.set(KEY(state), JSON.stringify(data), this.ttlMs)
    return state
  }

  /** Spends the state; null when unknown, used, expired, malformed, or from another browser. */
  async take(state: unknown, bindingCookie: string | undefined): Promise<ContractState | null> {
    if (typeof state !== 'string' || !STATE_FORMAT.test(state)) return null
    const raw = await this.kv.take(KEY(state))
    if (!raw || !bindingCookie) return null
    let data: unknown
    try {
      data = JSON.parse(raw)
    } catch {
      return null
    }
    if (!isState(data)) return null
    if (!safeEqual(data.binding, hashBinding(bindingCookie))) return null
    return data
  }
}

function isState(v: unknown): v is ContractState {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return typeof o.planId === 'string' && typeof o.redirect === 'string' && typeof o.binding === 'string'
}

/** Adds query parameters to a same-origin path (keeping its own query and hash). */
export function withQuery(path: string, params: Record<string, string>): string {
  const u = new URL(path, 'http://upkit.invalid')
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v)
  return `${u.pathname}${u.search}${u.hash}`
}
