import type { App } from 'vue'
import { provideSdkStore } from '@/stores/sdk'
import { createUpsdkClient, setUpsdkClient, type UpsdkClient, type UpsdkClientOptions } from '@/upsdk/client'
import { UPSDK_CLIENT_KEY } from './shared/client'

export { UPSDK_CLIENT_KEY }

/** vue-router's START_LOCATION, where the first navigation starts, matches no route record. */
const isStartLocation = (from: unknown) =>
  typeof from === 'object' && from !== null && (from as { matched?: unknown[] }).matched?.length === 0

/** What the plugin uses of a vue-router `Router`: apps without vue-router need not install it. */
export interface AfterEachRouter {
  afterEach(guard: (to: unknown, from: unknown, failure?: unknown) => unknown): unknown
}

export interface UpsdkPluginOptions extends UpsdkClientOptions {
  /** Use this client instead of creating one. */
  client?: UpsdkClient
  /** Re-configure after each navigation (config is per URL). */
  router?: AfterEachRouter
  /**
   * Configure as soon as the app is installed / after each navigation, so pages find the SDK
   * ready. @default true
   */
  eager?: boolean
}

/**
 * Vue plugin: creates the page's upsdk client, makes it the shared one, mirrors it in the app's
 * upsdk state (`useSdkStore`; no Pinia needed) and re-configs after every route change.
 */
export function createUpsdk(options: UpsdkPluginOptions = {}) {
  return {
    install(app: App) {
      const { client: given, router, eager = true, ...clientOptions } = options
      const client = given ?? createUpsdkClient(clientOptions)
      setUpsdkClient(client)
      app.provide(UPSDK_CLIENT_KEY, client)
      provideSdkStore(app).bind(client)
      const configure = () => void client.ready().catch(() => undefined)
      if (router) {
        router.afterEach((_to, from, failure) => {
          if (failure || !eager) return
          // a client handed over after its first config failed (src/upsdk-boot.ts): the page shows
          // that error with 重试, and the first navigation does not try again on its own
          if (isStartLocation(from) && client.state.status === 'error') return
          configure()
        })
      } else if (eager) configure()
    },
  }
}
