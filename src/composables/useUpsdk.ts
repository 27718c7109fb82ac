import { computed, getCurrentScope, inject, onScopeDispose, shallowReadonly, shallowRef, type App, type ComputedRef, type InjectionKey, type ShallowRef } from 'vue'
import type { Router } from 'vue-router'
import { useSdkStore } from '@/stores/sdk'
import { createUpsdkClient, getUpsdkClient, setUpsdkClient, type PluginCallOptions, type UpsdkClient, type UpsdkClientOptions, type UpsdkStatus } from '@/upsdk/client'
import type { UpsdkEnvironment } from '@/upsdk/env'
import { UpsdkError } from '@/upsdk/errors'
import type { FaqHint } from '@/upsdk/faq'
import { monitorScreenShot, setNavigationBarRightButton, type RightButtonParams } from '@/upsdk/plugins'
import type { UpsdkGlobal } from '@/upsdk/types'

export const UPSDK_CLIENT_KEY: InjectionKey<UpsdkClient> = Symbol('upsdk-client')

export interface UpsdkPluginOptions extends UpsdkClientOptions {
  /** Use this client instead of creating one. */
  client?: UpsdkClient
  /** Re-configure after each navigation (config is per URL). */
  router?: Router
  /**
   * Configure as soon as the app is installed / after each navigation, so pages find the SDK
   * ready. @default true
   */
  eager?: boolean
}

/**
 * Vue plugin: creates the page's upsdk client, makes it the shared one, mirrors it in the
 * `sdk` store (install Pinia first) and re-configs after every route change.
 */
export function createUpsdk(options: UpsdkPluginOptions = {}) {
  return {
    install(app: App) {
      const { client: given, router, eager = true, ...clientOptions } = options
      const client = given ?? createUpsdkClient(clientOptions)
      setUpsdkClient(client)
      app.provide(UPSDK_CLIENT_KEY, client)
      useSdkStore().bind(client)
      const configure = () => void client.ready().catch(() => undefined)
      if (router) {
        router.afterEach((to, from, failure) => {
          if (!failure && eager) configure()
        })
      } else if (eager) configure()
    },
  }
}

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

export function useUpsdk(options: UseUpsdkOptions = {}): UseUpsdkReturn {
  const client = options.client ?? inject(UPSDK_CLIENT_KEY, null) ?? getUpsdkClient()
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
    retry: () => client.ready().then(() => true, () => false),
    call: (method, params, callOptions) => client.call(method, params, callOptions),
  }
}

/** Runs `stop` when the calling component / effect scope ends (no-op outside a scope). */
function onDispose(stop: () => void): void {
  if (getCurrentScope()) onScopeDispose(stop)
}

export interface UseScreenShotReturn {
  /** monitorScreenShot exists on iOS only. */
  isSupported: ComputedRef<boolean>
  /** How many screenshots were seen since mount. */
  count: Readonly<ShallowRef<number>>
  error: Readonly<ShallowRef<UpsdkError | undefined>>
  stop(): void
}

/** `monitorScreenShot` for a component: listens until the component unmounts. */
export function useScreenShot(onShot?: () => void, options: UseUpsdkOptions = {}): UseScreenShotReturn {
  const { env, client } = useUpsdk(options)
  const count = shallowRef(0)
  const error = shallowRef<UpsdkError | undefined>()
  let stop = () => {}
  if (env.value.inApp && env.value.os === 'ios') {
    stop = monitorScreenShot(
      () => {
        count.value++
        onShot?.()
      },
      { client, onError: (e) => (error.value = e) },
    )
  }
  onDispose(() => stop())
  return { isSupported: computed(() => env.value.inApp && env.value.os === 'ios'), count: shallowReadonly(count), error: shallowReadonly(error), stop: () => stop() }
}

/** `setNavigationBarRightButton` for a component: the handler stops when the component unmounts. */
export function useRightButton(
  params: RightButtonParams,
  onClick: () => void,
  options: UseUpsdkOptions = {},
): { error: Readonly<ShallowRef<UpsdkError | undefined>> } {
  const { env, client } = useUpsdk(options)
  const error = shallowRef<UpsdkError | undefined>()
  let active = true
  let stop: (() => void) | undefined
  if (env.value.inApp) {
    setNavigationBarRightButton(params, onClick, { client }).then(
      (s) => (active ? (stop = s) : s()),
      (e: unknown) => (error.value = e instanceof UpsdkError ? e : new UpsdkError('plugin_fail', String(e), 'plugin', e, 'setNavigationBarRightButton')),
    )
  }
  onDispose(() => {
    active = false
    stop?.()
  })
  return { error: shallowReadonly(error) }
}
