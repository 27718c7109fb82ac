import { defineComponent, h, shallowRef, type Component } from 'vue'

export type LazyComponent = Component & {
  /** Fetches the chunk now (e.g. while the network is known to work), without rendering. */
  preload(): void
}

/**
 * A component in its own chunk, fetched the first time it renders (or on `preload()`); nothing
 * shows until it is in. The home page's occasional parts use it instead of `defineAsyncComponent`,
 * whose loading, error, timeout and hydration options would otherwise ride in the framework chunk
 * of every page. A failed fetch is logged and tried again at the next render.
 */
export function lazyComponent(load: () => Promise<{ default: Component }>): LazyComponent {
  const loaded = shallowRef<Component>()
  let started = false
  const preload = () => {
    if (started) return
    started = true
    load().then(
      (m) => (loaded.value = m.default),
      (err: unknown) => {
        started = false
        console.error('upkit: a part of the page could not be loaded', err)
      },
    )
  }
  const component = defineComponent({
    inheritAttrs: false,
    setup(_props, { attrs }) {
      preload()
      return () => (loaded.value ? h(loaded.value, attrs) : null)
    },
  })
  return Object.assign(component, { preload })
}
