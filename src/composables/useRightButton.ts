import { computed, shallowReadonly, shallowRef, type ComputedRef, type ShallowRef } from 'vue'
import type { UpsdkClient } from '@/upsdk/client'
import { asUpsdkError, type UpsdkError } from '@/upsdk/errors'
import { setNavigationBarRightButton, type RightButtonParams } from '@/upsdk/plugins'
import { resolveUpsdkClient } from './shared/client'
import { tryOnScopeDispose } from './shared/scope'

export interface UseRightButtonOptions {
  /** @default the injected client, else the shared one */
  client?: UpsdkClient
}

export interface UseRightButtonReturn {
  /** Inside 云闪付 (the navigation bar is the app's). */
  isSupported: ComputedRef<boolean>
  error: Readonly<ShallowRef<UpsdkError | undefined>>
}

/** `setNavigationBarRightButton` for a component: the handler (and its document listener) goes when the component unmounts. */
export function useRightButton(
  params: RightButtonParams,
  onClick: () => void,
  options: UseRightButtonOptions = {},
): UseRightButtonReturn {
  const client = resolveUpsdkClient(options.client)
  const isSupported = computed(() => client.env.inApp)
  const error = shallowRef<UpsdkError | undefined>()
  let active = true
  let stop: (() => void) | undefined
  if (isSupported.value) {
    setNavigationBarRightButton(params, onClick, { client }).then(
      (s) => (active ? (stop = s) : s()),
      (e: unknown) => (error.value = asUpsdkError(e, 'setNavigationBarRightButton')),
    )
  }
  tryOnScopeDispose(() => {
    active = false
    stop?.()
  })
  return { isSupported, error: shallowReadonly(error) }
}
