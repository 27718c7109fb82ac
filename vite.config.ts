import { fileURLToPath, URL } from 'node:url'
import { defineConfig, loadEnv, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

const REAL_UPSDK_URL = 'https://open.95516.com/s/open/js/upsdk.js'

/** zepto's dist file calls `factory(this)` and exports nothing; make it an ES module. */
function zeptoAsModule(): Plugin {
  return {
    name: 'upkit:zepto-esm',
    enforce: 'pre',
    transform(code, id) {
      // In dev the id carries a `?v=hash` query.
      if (!/[\\/]zepto[\\/]dist[\\/]zepto(\.min)?\.js(\?.*)?$/.test(id)) return null
      return {
        code: code.replace('}(this, function(window)', '}(window, function(window)') + '\nexport default window.Zepto\n',
        map: null,
      }
    },
  }
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_')
  const upsdkUrl = env.VITE_UPSDK_URL || (mode === 'production' ? REAL_UPSDK_URL : 'stub')
  const apiTarget = `http://127.0.0.1:${process.env.UPKIT_API_PORT ?? '8788'}`
  return {
    plugins: [zeptoAsModule(), vue()],
    resolve: {
      alias: {
        '@': fileURLToPath(new URL('./src', import.meta.url)),
        '@common': fileURLToPath(new URL('./common', import.meta.url)),
      },
    },
    define: {
      'import.meta.env.VITE_UPSDK_URL': JSON.stringify(upsdkUrl),
    },
    optimizeDeps: { exclude: ['zepto'] },
    server: {
      host: '127.0.0.1',
      proxy: {
        '/api': apiTarget,
        '/notify': apiTarget,
        '/sandbox': apiTarget,
        '/healthz': apiTarget,
        '/pay/return': apiTarget,
      },
    },
    // 'hidden': maps are written for error reporting but no bundle points at them (the server never serves them).
    build: { target: 'es2020', sourcemap: 'hidden' },
  }
})
