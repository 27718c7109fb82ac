/** The Vue app: started by main.ts once upsdk's configuration is under way (src/upsdk-boot.ts). */
import { createApp } from 'vue'
import App from './App.vue'
import './assets/base.css'
import { createUpsdk } from 'upkit/vue'
import { maybeStartDebugConsole } from './debug/debugMode'
import { router } from './router'
import { installPiniaOnDemand } from './stores/piniaOnDemand'
import { getUpsdkClient } from 'upkit/upsdk'

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : undefined
  document.title = title ? `${title} · upkit` : 'upkit'
})

const app = createApp(App)
// Pinia comes with the first page that uses a store, not with the home page
installPiniaOnDemand(app, router)
app.use(router)
// the client src/upsdk-boot.ts created and already configured, while this bundle was loading
app.use(createUpsdk({ router, client: getUpsdkClient() }))
app.mount('#app')
maybeStartDebugConsole(getUpsdkClient())
