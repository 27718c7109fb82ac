import type { App } from 'vue'
import type { Router } from 'vue-router'

declare module 'vue-router' {
  interface RouteMeta {
    /** `false`: the page uses no Pinia store, so entering it does not load Pinia (the home page). */
    stores?: boolean
  }
}

let ensure: (() => Promise<void>) | undefined

/**
 * Installs Pinia into `app` the first time a page needs it instead of with the app: the home page
 * uses no store, and Pinia is 1.7 KB gzip of its first download. Before any page whose
 * `meta.stores` is not `false` is created, `beforeResolve` waits for it; by then its chunk has
 * come with the page's own (the page's stores import it), so this adds no round trip.
 */
export function installPiniaOnDemand(app: App, router: Router): void {
  let installing: Promise<void> | undefined
  ensure = () =>
    (installing ??= import('pinia').then(
      ({ createPinia }) => void app.use(createPinia()),
      (err: unknown) => {
        installing = undefined // offline: the next page or 重试 fetches it again
        throw err
      },
    ))
  router.beforeResolve(async (to) => {
    if (to.meta.stores !== false) await ensure?.()
  })
}

/**
 * Resolves once Pinia is installed: for code that uses a store outside a page's creation (a
 * lazy part of a store-free page, a navigation guard). At once when the app installs Pinia itself.
 */
export function piniaReady(): Promise<void> {
  return ensure ? ensure() : Promise.resolve()
}
