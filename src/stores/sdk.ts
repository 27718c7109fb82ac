import {
  computed,
  effectScope,
  hasInjectionContext,
  inject,
  reactive,
  shallowRef,
  watch,
  type App,
  type InjectionKey,
} from 'vue'
import type { UpsdkClient, UpsdkStatus } from '@/upsdk/client'
import { currentEnvironment, type UpsdkEnvironment } from '@/upsdk/env'
import type { UpsdkError } from '@/upsdk/errors'
import type { FaqHint } from '@/upsdk/faq'

function sdkState() {
  const status = shallowRef<UpsdkStatus>('idle')
  const error = shallowRef<UpsdkError | undefined>()
  const env = shallowRef<UpsdkEnvironment>(currentEnvironment())
  const signedUrl = shallowRef<string | undefined>()
  const configCount = shallowRef(0)
  let client: UpsdkClient | undefined
  let unsubscribe: (() => void) | undefined

  const isReady = computed(() => status.value === 'ready')
  const isBusy = computed(() => status.value === 'loading' || status.value === 'configuring')
  /** The 附录八 answer for `error`: the FAQ text is its own chunk, fetched when an error first shows. */
  const hint = shallowRef<FaqHint | undefined>()
  watch(error, (e) => {
    if (!e) {
      hint.value = undefined
      return
    }
    void import('@/upsdk/faq').then(({ faqHint }) => {
      if (error.value === e) hint.value = faqHint(e)
    })
  })

  /** Follows `c`'s state from now on (the Vue plugin calls this once). */
  function bind(c: UpsdkClient): void {
    unsubscribe?.()
    client = c
    env.value = c.env
    const sync = () => {
      status.value = c.state.status
      error.value = c.state.error
      signedUrl.value = c.state.signedUrl
      configCount.value = c.state.configCount
    }
    sync()
    unsubscribe = c.subscribe(sync)
  }

  function isBoundTo(c: UpsdkClient): boolean {
    return client === c
  }

  /** Configures for the current URL (memoised by the client); failures land in `error`. */
  async function ensureReady(): Promise<boolean> {
    if (!client) return false
    try {
      await client.ready()
      return true
    } catch {
      return false
    }
  }

  return reactive({
    status,
    error,
    env,
    signedUrl,
    configCount,
    isReady,
    isBusy,
    hint,
    bind,
    isBoundTo,
    ensureReady,
    retry: ensureReady,
  })
}

/** The page's upsdk state for the UI: the fields read as values (refs unwrapped), as a Pinia store's do. */
export type SdkStore = ReturnType<typeof sdkState>

const SDK_STORE_KEY: InjectionKey<SdkStore> = Symbol('upkit:sdk')
/** The state of the app installed last: what code outside a component gets (Pinia's active store, likewise). */
let active: SdkStore | undefined

function createSdkStore(): SdkStore {
  // detached: the `hint` watcher lives as long as the app, not the component that first asked
  const state = effectScope(true).run(sdkState)
  if (!state) throw new Error('upkit: the upsdk state could not be created')
  return state
}

/**
 * Gives `app` its own upsdk state (the Vue plugin `createUpsdk` calls this) and makes it the
 * one `useSdkStore()` returns outside components.
 */
export function provideSdkStore(app: App): SdkStore {
  const state = createSdkStore()
  app.provide(SDK_STORE_KEY, state)
  active = state
  return state
}

/**
 * The upsdk state of the page, mirrored from the client for the UI: the app's (inside a
 * component), else the one of the app installed last, else a new one. A plain reactive object,
 * no longer a Pinia store: the home page needs no Pinia (docs/performance.md).
 */
export function useSdkStore(): SdkStore {
  const injected = hasInjectionContext() ? inject(SDK_STORE_KEY, undefined) : undefined
  return injected ?? (active ??= createSdkStore())
}
