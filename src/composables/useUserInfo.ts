import type { IdentityView, MobileView } from '@common/api'
import { shallowReadonly, shallowRef, type ShallowRef } from 'vue'
import { ApiError, apiRequest, type FetchFn } from '@/api/client'
import { tryOnScopeDispose } from './shared/scope'

/** `POST /api/me/identity` (the API type shared with the server). */
export type UserIdentity = IdentityView

export interface UseUserInfoOptions {
  /** @default globalThis.fetch */
  fetch?: FetchFn
}

export interface UseUserInfoReturn {
  mobile: Readonly<ShallowRef<string | null>>
  identity: Readonly<ShallowRef<UserIdentity | null>>
  loadingMobile: Readonly<ShallowRef<boolean>>
  loadingIdentity: Readonly<ShallowRef<boolean>>
  mobileError: Readonly<ShallowRef<ApiError | null>>
  identityError: Readonly<ShallowRef<ApiError | null>>
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
  tryOnScopeDispose(clear)

  return {
    mobile: shallowReadonly(mobile),
    identity: shallowReadonly(identity),
    loadingMobile: shallowReadonly(loadingMobile),
    loadingIdentity: shallowReadonly(loadingIdentity),
    mobileError: shallowReadonly(mobileError),
    identityError: shallowReadonly(identityError),
    loadMobile,
    loadIdentity,
    clear,
  }
}
