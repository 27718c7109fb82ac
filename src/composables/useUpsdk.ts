import { computed, type ComputedRef } from 'vue'
import { useSdkStore } from '@/stores/sdk'
import type { PluginCallOptions, UpsdkClient, UpsdkStatus } from '@/upsdk/client'
import type { UpsdkEnvironment } from '@/upsdk/env'
import type { UpsdkError } from '@/upsdk/errors'
import type { FaqHint } from '@/upsdk/faq'
import type { UpsdkGlobal } from '@/upsdk/types'
import { resolveUpsdkClient } from './shared/client'

export interface UseUpsdkOptions {
  /** @default the injected client, else the shared one */
  client?: UpsdkClient
}

export interface UseUpsdkReturn {
  client: UpsdkClient
  env: ComputedRef<UpsdkEnvironment>
  /** Inside 云闪付: the plugins can work. */
  isSupported: ComputedRef<boolean>
  status: ComputedRef<UpsdkStatus>
  error: ComputedRef<UpsdkError | undefined>
  hint: ComputedRef<FaqHint | undefined>
  isReady: ComputedRef<boolean>
  /** Configures for the current URL; rejects with an UpsdkError. */
  ready(): Promise<UpsdkGlobal>
  /** Tries again after a failure; never rejects (the error is in `error`). */
  retry(): Promise<boolean>
  call<T = unknown>(method: string, params?: Record<string, unknown>, options?: PluginCallOptions): Promise<T>
}

/** The page's upsdk state (mirrored in `useSdkStore`) and its client. */
export function useUpsdk(options: UseUpsdkOptions = {}): UseUpsdkReturn {
  const client = resolveUpsdkClient(options.client)
  const store = useSdkStore()
  if (!store.isBoundTo(client)) store.bind(client)
  return {
    client,
    env: computed(() => store.env),
    isSupported: computed(() => store.env.inApp),
    status: computed(() => store.status),
    error: computed(() => store.error),
    hint: computed(() => store.hint),
    isReady: computed(() => store.isReady),
    ready: () => client.ready(),
    retry: () =>
      client.ready().then(
        () => true,
        () => false,
      ),
    call: (method, params, callOptions) => client.call(method, params, callOptions),
  }
}
