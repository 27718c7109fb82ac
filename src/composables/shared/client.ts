import { hasInjectionContext, inject, type InjectionKey } from 'vue'
import { getUpsdkClient, type UpsdkClient } from '@/upsdk/client'

export const UPSDK_CLIENT_KEY: InjectionKey<UpsdkClient> = Symbol('upsdk-client')

/** How every composable finds its client: the option, else the one the app provides, else the page's shared one. */
export function resolveUpsdkClient(given?: UpsdkClient): UpsdkClient {
  if (given) return given
  return (hasInjectionContext() ? inject(UPSDK_CLIENT_KEY, null) : null) ?? getUpsdkClient()
}
