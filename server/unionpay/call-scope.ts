import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * Who a platform call is made for. Requests run inside a scope naming their user (or, before
 * login, their client address), so the call budget can give each a quota of its own; background
 * work and shared token refreshes run outside any scope and spend only the appId's budget.
 */
const scope = new AsyncLocalStorage<{ subject: () => string }>()

/** Runs `fn` with platform calls attributed to `subject` (read when a call is made). */
export function runForSubject<T>(subject: () => string, fn: () => T): T {
  return scope.run({ subject }, fn)
}

/** Runs `fn` outside any subject (shared work such as a token refresh started by one request). */
export function runUnattributed<T>(fn: () => T): T {
  return scope.exit(fn)
}

/** The subject of the current call, or undefined for unattributed work. */
export function currentSubject(): string | undefined {
  return scope.getStore()?.subject()
}
