import { BoundStateStore } from '../http/bound-state.ts'
import type { KvStore } from '../store/kv.ts'

export { hashBinding, newBinding } from '../http/bound-state.ts'

/** What an authorize request leaves for its callback. */
export interface ContractState {
  planId: string
  redirect: string
  /** sha256 of the browser's binding cookie: the callback must come from the same browser. */
  binding: string
}

/**
 * `state` of the contract sign redirect: single use, expiring, and bound to the browser that
 * asked for it (see BoundStateStore).
 */
export class ContractStateStore extends BoundStateStore<ContractState> {
  constructor(kv: KvStore, ttlMs?: number) {
    super(kv, 'contract:state:', isState, ttlMs)
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
