import { computed, type ComputedRef } from 'vue'
import type { ApiError } from '@/api/client'
import { useSessionStore, type SessionUser } from '@/stores/session'

/** The 联登 scopes (4.1); outside 云闪付 the server maps base → upapi_login and auth → upapi_user. */
export type AuthScope = 'upapi_base' | 'upapi_mobile' | 'upapi_auth'

/** `/api/oauth/authorize?scope=…&redirect=…`: the server picks the in-app or outApp page. */
export function authorizeUrl(scope: AuthScope = 'upapi_base', redirect = '/'): string {
  const safe = redirect.startsWith('/') && !redirect.startsWith('//') ? redirect : '/'
  return `/api/oauth/authorize?scope=${encodeURIComponent(scope)}&redirect=${encodeURIComponent(safe)}`
}

const defaultNavigate = (url: string) => window.location.assign(url)

export interface UseAuthOptions {
  /**
   * Sends the browser to a URL (the authorize redirect leaves the SPA).
   * @default url => window.location.assign(url)
   */
  navigate?: (url: string) => void
  /**
   * Load the session from `/api/me` at once.
   * @default true
   */
  immediate?: boolean
}

export interface UseAuthReturn {
  user: ComputedRef<SessionUser | null>
  isLoggedIn: ComputedRef<boolean>
  /** True while `/api/me` is being asked. */
  loading: ComputedRef<boolean>
  error: ComputedRef<ApiError | null>
  /** Leave for the 云闪付 authorize page; come back to `redirect` (default: the current path). */
  login: (options?: { scope?: AuthScope; redirect?: string }) => void
  logout: () => Promise<void>
  refresh: () => Promise<SessionUser | null>
}

function currentPath(): string {
  if (typeof window === 'undefined') return '/'
  return `${window.location.pathname}${window.location.search}${window.location.hash}`
}

/** The login state of the page, backed by the session store. */
export function useAuth(options: UseAuthOptions = {}): UseAuthReturn {
  const { navigate = defaultNavigate, immediate = true } = options
  const store = useSessionStore()
  if (immediate) store.ensureLoaded().catch(() => undefined)
  return {
    user: computed(() => store.user),
    isLoggedIn: computed(() => store.isLoggedIn),
    loading: computed(() => store.status === 'loading'),
    error: computed(() => store.error),
    login: ({ scope = 'upapi_base', redirect = currentPath() } = {}) => navigate(authorizeUrl(scope, redirect)),
    logout: () => store.logout(),
    refresh: () => store.refresh(),
  }
}
