import type { IdentityView, MobileView } from '@common/api'
import { computed, getCurrentScope, onScopeDispose, shallowRef, type ComputedRef, type Ref } from 'vue'
import { ApiError, apiRequest, type FetchFn } from '@/api/client'
import { useSessionStore, type SessionUser } from '@/stores/session'

/** The 联登 scopes (4.1); outside 云闪付 the server maps base → upapi_login and auth → upapi_user. */
export type AuthScope = 'upapi_base' | 'upapi_mobile' | 'upapi_auth'

/** Inside 云闪付 the user agent contains `(com.unionpay.chsp)` or `(com.unionpay.mobilepay)`. */
export function isInCloudpay(ua: string = typeof navigator === 'undefined' ? '' : navigator.userAgent): boolean {
  return /\(com\.unionpay\.(chsp|mobilepay)\)/.test(ua)
}

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

/** `POST /api/me/identity` (the API type shared with the server). */
export type UserIdentity = IdentityView

export interface UseUserInfoOptions {
  /** @default globalThis.fetch */
  fetch?: FetchFn
}

export interface UseUserInfoReturn {
  mobile: Readonly<Ref<string | null>>
  identity: Readonly<Ref<UserIdentity | null>>
  loadingMobile: Readonly<Ref<boolean>>
  loadingIdentity: Readonly<Ref<boolean>>
  mobileError: Readonly<Ref<ApiError | null>>
  identityError: Readonly<Ref<ApiError | null>>
  loadMobile: () => Promise<void>
  loadIdentity: () => Promise<void>
  /** Drop the personal data from memory (also done when the component's scope ends). */
  clear: () => void
}

/**
 * The session user's mobile number (`user.mobile`) and real-name data (`user.auth`), read on request
 * and kept only in memory. Errors keep the server's code: SCOPE_NOT_GRANTED (details.requiredScope),
 * NO_MOBILE, MOBILE_NOT_PROVIDED, ACCESS_TOKEN_EXPIRED, NOT_LOGGED_IN.
 */
export function useUserInfo(options: UseUserInfoOptions = {}): UseUserInfoReturn {
  const fetchFn = options.fetch
  const mobile = shallowRef<string | null>(null)
  const identity = shallowRef<UserIdentity | null>(null)
  const loadingMobile = shallowRef(false)
  const loadingIdentity = shallowRef(false)
  const mobileError = shallowRef<ApiError | null>(null)
  const identityError = shallowRef<ApiError | null>(null)

  const asApiError = (err: unknown) => (err instanceof ApiError ? err : new ApiError(0, 'UNKNOWN', String(err)))

  async function loadMobile(): Promise<void> {
    if (loadingMobile.value) return
    loadingMobile.value = true
    mobileError.value = null
    try {
      mobile.value = (await apiRequest<MobileView>('POST', '/api/me/mobile', fetchFn)).mobile
    } catch (err) {
      mobile.value = null
      mobileError.value = asApiError(err)
    } finally {
      loadingMobile.value = false
    }
  }

  async function loadIdentity(): Promise<void> {
    if (loadingIdentity.value) return
    loadingIdentity.value = true
    identityError.value = null
    try {
      identity.value = await apiRequest<UserIdentity>('POST', '/api/me/identity', fetchFn)
    } catch (err) {
      identity.value = null
      identityError.value = asApiError(err)
    } finally {
      loadingIdentity.value = false
    }
  }

  function clear(): void {
    mobile.value = null
    identity.value = null
    mobileError.value = null
    identityError.value = null
  }
  if (getCurrentScope()) onScopeDispose(clear)

  return { mobile, identity, loadingMobile, loadingIdentity, mobileError, identityError, loadMobile, loadIdentity, clear }
}
