import { fileURLToPath, URL } from 'node:url'
import { defineConfig, loadEnv, type HtmlTagDescriptor, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { STARTER_SCRIPT, STARTER_UPSDK_ATTR, STARTER_ZEPTO_ATTR } from './common/starter.ts'
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
 * Starts the upsdk path in parallel with the app bundle: the inline starter signs the page URL
 * and, inside 云闪付 only, preloads Zepto's chunk and upsdk.js (named by its attributes), so none
 * of them waits for the bundle to run and no other browser fetches them.
 */
function parallelStart(upsdkUrl: string): Plugin {
  return {
    name: 'upkit:parallel-start',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const attrs: Record<string, string> = {}
        const chunks = Object.values(ctx.bundle ?? {}).filter((o) => o.type === 'chunk')
        const zepto = chunks.find((o) => /zepto/i.test(o.name))
        if (zepto) attrs[STARTER_ZEPTO_ATTR] = `/${zepto.fileName}`
        if (upsdkUrl !== 'stub') attrs[STARTER_UPSDK_ATTR] = upsdkUrl
        const tags: HtmlTagDescriptor[] = [{ tag: 'script', attrs, children: STARTER_SCRIPT, injectTo: 'head-prepend' }]
        // main.ts imports the app dynamically (after upsdk-boot): fetch it and what it needs from the start
        const app = chunks.find((o) => o.facadeModuleId?.endsWith('/src/app.ts'))
        const seen = new Set<string>()
        const preload = (fileName: string) => {
          if (seen.has(fileName) || chunks.some((o) => o.isEntry && o.fileName === fileName)) return
          seen.add(fileName)
          const chunk = chunks.find((o) => o.fileName === fileName)
          for (const dep of chunk?.imports ?? []) preload(dep)
          tags.push({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${fileName}` },
            injectTo: 'head',
          })
          for (const css of chunk?.viteMetadata?.importedCss ?? [])
            tags.push({ tag: 'link', attrs: { rel: 'preload', as: 'style', href: `/${css}` }, injectTo: 'head' })
        }
        if (app) preload(app.fileName)
        return tags
      },
    },
  }
}

/**
 * Writes the stylesheets index.html links itself (the loading shell's, a few hundred bytes) into
 * the page as `<style>`: the shell paints with the HTML instead of a round trip later, and no
 * pending stylesheet holds the entry script back. The server allows them by their hashes in the
 * CSP (server/http/security-headers.ts reads them from the page).
 */
function inlinePageCss(): Plugin {
  return {
    name: 'upkit:inline-page-css',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle
        if (!bundle) return html
        // index.html's own stylesheets count as the entry chunk's; any other chunk's stay files
        const importedByCode = new Set(
          Object.values(bundle).flatMap((o) =>
            o.type === 'chunk' && !o.isEntry ? [...(o.viteMetadata?.importedCss ?? [])] : [],
          ),
        )
        return html.replace(/<link rel="stylesheet"[^>]*?href="\/([^"]+\.css)"[^>]*>/g, (tag, fileName: string) => {
          const asset = bundle[fileName]
          if (!asset || asset.type !== 'asset' || importedByCode.has(fileName)) return tag
          // the file stays: a lazy chunk that shares the entry's code may still preload it
          return `<style>${String(asset.source).trim()}</style>`
        })
      },
    },
  }
}

export default defineConfig(({ mode, command }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_')
  const upsdkUrl = env.VITE_UPSDK_URL || (mode === 'production' ? REAL_UPSDK_URL : 'stub')
  const apiTarget = `http://127.0.0.1:${process.env.UPKIT_API_PORT ?? '8788'}`
  return {
    plugins: [zeptoAsModule(), vue(), parallelStart(upsdkUrl), inlinePageCss(), precompress()],
    resolve: {
      alias: {
        '@': fileURLToPath(new URL('./src', import.meta.url)),
        '@common': fileURLToPath(new URL('./common', import.meta.url)),
        // Pinia's own production build: its bundler build keeps the devtools' file-saver code (module-level
        // expressions the bundler must assume have effects), 1 KB gzip of the home route's framework chunk.
        ...(command === 'build'
          ? { pinia: fileURLToPath(new URL('./node_modules/pinia/dist/pinia.esm-browser.prod.js', import.meta.url)) }
          : {}),
        // The demo imports the kit through the package's own entry points (kit/README.md).
        'upkit/upsdk': fileURLToPath(new URL('./kit/web/upsdk.ts', import.meta.url)),
        'upkit/vue': fileURLToPath(new URL('./kit/web/vue.ts', import.meta.url)),
        'upkit/stub': fileURLToPath(new URL('./kit/web/stub.ts', import.meta.url)),
      },
    },
    define: {
      'import.meta.env.VITE_UPSDK_URL': JSON.stringify(upsdkUrl),
      // Every component is <script setup>: the Options API part of Vue's runtime is dead weight in
      // the home route's bundle (tests keep it: @vue/test-utils mounts through it).
      ...(command === 'build' ? { __VUE_OPTIONS_API__: 'false' } : {}),
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
    build: {
      target: 'es2020',
      sourcemap: 'hidden',
      rolldownOptions: {
        output: {
          // The framework (Vue, Vue Router) in one long-cached chunk, apart from the app's own
          // code, so the bench can hold each against its budget and an app release does not
          // re-download it. Pinia stays out: it comes with the first page that uses a store
          // (src/stores/piniaOnDemand.ts), not with the home page.
          codeSplitting: {
            groups: [{ name: 'framework', test: /[\\/]node_modules[\\/](@vue|vue|vue-router)[\\/]/ }],
          },
        },
      },
    },
  }
})
