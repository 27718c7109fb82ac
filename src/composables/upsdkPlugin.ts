import type { App } from 'vue'
import { useSdkStore } from '@/stores/sdk'
import { createUpsdkClient, setUpsdkClient, type UpsdkClient, type UpsdkClientOptions } from '@/upsdk/client'
import { UPSDK_CLIENT_KEY } from './shared/client'

export { UPSDK_CLIENT_KEY }

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
        router.afterEach((_to, _from, failure) => {
          if (!failure && eager) configure()
        })
      } else if (eager) configure()
    },
  }
}
