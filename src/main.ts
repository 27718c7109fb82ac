import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import './assets/base.css'
import { createUpsdk } from './composables/upsdkPlugin'
import { maybeStartDebugConsole } from './debug/debugMode'
import { router } from './router'
import { getUpsdkClient } from './upsdk/client'
import { fetchSignatureWithStarter } from './upsdk-start'
import { currentEnvironment } from './upsdk/env'
import { loadUpsdk } from './upsdk/loader'

// Zepto and upsdk.js start loading now, not after the app has mounted (the signature is already on its way).
if (currentEnvironment().inApp) void loadUpsdk().catch(() => undefined)

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : undefined
  document.title = title ? `${title} · upkit` : 'upkit'
})

const app = createApp(App)
app.use(createPinia())
app.use(router)
app.use(createUpsdk({ router, fetchSignature: fetchSignatureWithStarter }))
app.mount('#app')
maybeStartDebugConsole(getUpsdkClient())
