import { getCurrentScope, onScopeDispose } from 'vue'

/** Runs `fn` when the calling component / effect scope ends; nothing outside a scope (vueuse's tryOnScopeDispose). */
export function tryOnScopeDispose(fn: () => void): boolean {
  if (!getCurrentScope()) return false
  onScopeDispose(fn)
  return true
}
