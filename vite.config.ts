import { fileURLToPath, URL } from 'node:url'
import { defineConfig, loadEnv, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { STARTER_SCRIPT } from './common/starter.ts'
import { precompress } from './scripts/vite-precompress.ts'

const REAL_UPSDK_URL = 'https://open.95516.com/s/open/js/upsdk.js'

/** zepto's dist file calls `factory(this)` and exports nothing; make it an ES module. */
export function zeptoAsModule(): Plugin {
  return {
    name: 'upkit:zepto-esm',
    enforce: 'pre',
    transform(code, id) {
      // In dev the id carries a `?v=hash` query.
      if (!/[\\/]zepto[\\/]dist[\\/]zepto(\.min)?\.js(\?.*)?$/.test(id)) return null
      return {
        code:
          code.replace('}(this, function(window)', '}(window, function(window)') + '\nexport default window.Zepto\n',
        map: null,
      }
    },
  }
}

/**
 * Starts the upsdk path in parallel with the app bundle: the inline starter signs the page URL,
 * upsdk.js and the Zepto chunk are preloaded, so none of them waits for the bundle to run.
 */
function parallelStart(upsdkUrl: string): Plugin {
  return {
    name: 'upkit:parallel-start',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const tags: Array<{
          tag: string
          attrs?: Record<string, string | boolean>
          children?: string
          injectTo: 'head-prepend' | 'head'
        }> = [{ tag: 'script', children: STARTER_SCRIPT, injectTo: 'head-prepend' }]
        if (/^https?:\/\//.test(upsdkUrl))
          tags.push({ tag: 'link', attrs: { rel: 'preload', as: 'script', href: upsdkUrl }, injectTo: 'head' })
        const zepto = Object.values(ctx.bundle ?? {}).find((o) => o.type === 'chunk' && /zepto/i.test(o.name))
        if (zepto)
          tags.push({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${zepto.fileName}` },
            injectTo: 'head',
          })
        return tags
      },
    },
  }
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_')
  const upsdkUrl = env.VITE_UPSDK_URL || (mode === 'production' ? REAL_UPSDK_URL : 'stub')
  const apiTarget = `http://127.0.0.1:${process.env.UPKIT_API_PORT ?? '8788'}`
  return {
    plugins: [zeptoAsModule(), vue(), parallelStart(upsdkUrl), precompress()],
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
