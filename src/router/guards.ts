import type { Pinia } from 'pinia'
import type { Router } from 'vue-router'
import type { AuthScope } from 'upkit/vue'
import { piniaReady } from '@/stores/piniaOnDemand'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    /** The page needs a logged-in 云闪付 user; others are sent through /api/oauth/authorize. */
    requiresAuth?: boolean
    /** The scope to ask for when the page sends the user to log in. @default 'upapi_base' */
    authScope?: AuthScope
  }
}

export interface AuthGuardOptions {
  /** @default url => window.location.assign(url) */
  navigate?: (url: string) => void
  /** The Pinia instance, when the guard runs before the app's is active (tests). */
  pinia?: Pinia
}

/**
 * Pages with `meta.requiresAuth` need a session: without one the browser leaves for the 云闪付
 * authorize page and comes back to the same path afterwards. If the server cannot be asked,
 * the user lands on /login with the reason. Returns the function that removes the guard.
 */
export function installAuthGuard(router: Router, options: AuthGuardOptions = {}): () => void {
  const navigate = options.navigate ?? ((url: string) => window.location.assign(url))
  return router.beforeEach(async (to) => {
    if (!to.meta.requiresAuth) return true
    // Loaded with the first page that needs a login: the home route does not carry them.
    const [{ useSessionStore, authorizeUrl }] = await Promise.all([import('./login-deps'), piniaReady()])
    const session = useSessionStore(options.pinia)
    try {
      if (await session.ensureLoaded()) return true
    } catch {
      return { name: 'login', query: { redirect: to.fullPath, error: 'network' } }
    }
    navigate(authorizeUrl(to.meta.authScope ?? 'upapi_base', to.fullPath))
    return false
  })
}
