// A merchant's existing Vue app: Pinia, the upkit Vue plugin, and the stub in test builds only.
import { createPinia } from 'pinia'
import { createApp, defineComponent, h } from 'vue'
import { createUpsdk, useUpsdk } from 'upkit/vue'

if (import.meta.env.VITE_UPKIT_STUB === '1') {
  const { installStub } = await import('upkit/stub')
  await installStub()
}

const App = defineComponent({
  setup() {
    const sdk = useUpsdk()
    return () =>
      h('main', [
        h('p', { id: 'status' }, sdk.status.value),
        h('p', { id: 'error' }, sdk.error.value ? `${sdk.error.value.code} ${sdk.error.value.message}` : ''),
      ])
  },
})

createApp(App).use(createPinia()).use(createUpsdk()).mount('#app')
