import { computed, shallowReadonly, shallowRef, type ComputedRef, type ShallowRef } from 'vue'
import type { UpsdkClient } from '@/upsdk/client'
import type { UpsdkError } from '@/upsdk/errors'
import { monitorScreenShot } from '@/upsdk/plugins'
import { resolveUpsdkClient } from './shared/client'
import { tryOnScopeDispose } from './shared/scope'

export interface UseScreenShotOptions {
  /** @default the injected client, else the shared one */
  client?: UpsdkClient
}

export interface UseScreenShotReturn {
  /** monitorScreenShot exists on iOS only. */
  isSupported: ComputedRef<boolean>
  /** How many screenshots were seen since mount. */
  count: Readonly<ShallowRef<number>>
  error: Readonly<ShallowRef<UpsdkError | undefined>>
  stop(): void
}

/** `monitorScreenShot` for a component: listens (and removes its document listener) when the component unmounts. */
export function useScreenShot(onShot?: () => void, options: UseScreenShotOptions = {}): UseScreenShotReturn {
  const client = resolveUpsdkClient(options.client)
  const isSupported = computed(() => client.env.inApp && client.env.os === 'ios')
  const count = shallowRef(0)
  const error = shallowRef<UpsdkError | undefined>()
  let stop = () => {}
  if (isSupported.value) {
    stop = monitorScreenShot(
      () => {
        count.value++
        onShot?.()
      },
      { client, onError: (e) => (error.value = e) },
    )
  }
  tryOnScopeDispose(() => stop())
  return { isSupported, count: shallowReadonly(count), error: shallowReadonly(error), stop: () => stop() }
}
