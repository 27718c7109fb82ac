import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

/** What is worth compressing: text assets; index.html stays plain (the server may rewrite it). */
const COMPRESSIBLE = /\.(js|mjs|css|svg|json|txt|wasm)$/

/**
 * Writes `<file>.br` and `<file>.gz` beside every compressible build output of at least
 * `minBytes`, so the server sends them as they are (no compression per request). Runs after the
 * files are written: it compresses exactly the bytes on disk, after every later rewrite.
 */
export function precompress(minBytes = 1024): Plugin {
  return {
    name: 'upkit:precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist'
      for (const fileName of Object.keys(bundle)) {
        if (!COMPRESSIBLE.test(fileName)) continue
        const path = join(dir, fileName)
        const bytes = readFileSync(path)
        if (bytes.length < minBytes) continue
        const br = brotliCompressSync(bytes, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
        })
        writeFileSync(`${path}.br`, br)
        writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }))
      }
    },
  }
}
