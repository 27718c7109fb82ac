import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { gzipAsync } from '@gfx/zopfli'
import type { Plugin } from 'vite'

/** What is worth compressing: text assets; index.html stays plain (the server may rewrite it). */
const COMPRESSIBLE = /\.(js|mjs|css|svg|json|txt|wasm)$/
/** The code every page load fetches: worth zopfli's time (about 100× zlib's) for ~4 % fewer gzip bytes. */
const ZOPFLI = /\.(js|mjs|css)$/

export interface PrecompressOptions {
  /** zopfli for .js/.css of at least this size (below, it saves a few bytes for its start-up cost). @default 1024 */
  zopfliMinBytes?: number
  /**
   * zopfli for .js/.css up to this size; larger files get zlib level 9 (the debug console's eruda
   * chunk, 480 KB, would take seconds for a file only debug sessions fetch). @default 256 KiB
   */
  zopfliMaxBytes?: number
  /** zopfli's passes over each file (15 saved 14 bytes more than 5 on the home route, for 5 % more time). @default 15 */
  zopfliIterations?: number
  /**
   * zopfli's block splitting (most of its time: about 0.1–0.4 s a file in its WebAssembly build)
   * for files of at least this size; below it saved a few bytes a file. @default 8 KiB
   */
  zopfliSplitMinBytes?: number
}

export interface Twins {
  br?: Uint8Array
  gz?: Uint8Array
  /** How the gzip twin was made. */
  gzipBy?: 'zopfli' | 'zlib'
}

/**
 * The brotli and gzip twins of one file, each only when it is smaller than the file (a browser
 * then gets the plain file, which costs it no decompression).
 */
export async function compressTwins(name: string, bytes: Uint8Array, options: PrecompressOptions = {}): Promise<Twins> {
  const {
    zopfliMinBytes = 1024,
    zopfliMaxBytes = 256 * 1024,
    zopfliIterations = 15,
    zopfliSplitMinBytes = 8192,
  } = options
  if (!COMPRESSIBLE.test(name)) return {}
  const twins: Twins = {}
  const br = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  })
  if (br.length < bytes.length) twins.br = br
  const zopfli = ZOPFLI.test(name) && bytes.length >= zopfliMinBytes && bytes.length <= zopfliMaxBytes
  const gz = zopfli
    ? await gzipAsync(bytes, { numiterations: zopfliIterations, blocksplitting: bytes.length >= zopfliSplitMinBytes })
    : gzipSync(bytes, { level: 9 })
  if (gz.length < bytes.length) {
    twins.gz = gz
    twins.gzipBy = zopfli ? 'zopfli' : 'zlib'
  }
  return twins
}

/** Writes the twins of each of `fileNames` (paths under `dir`) beside it. */
export async function writeTwins(
  dir: string,
  fileNames: Iterable<string>,
  options: PrecompressOptions = {},
): Promise<void> {
  for (const fileName of fileNames) {
    const path = join(dir, fileName)
    const twins = await compressTwins(fileName, readFileSync(path), options)
    if (twins.br) writeFileSync(`${path}.br`, twins.br)
    if (twins.gz) writeFileSync(`${path}.gz`, twins.gz)
  }
}

/**
 * Writes `<file>.br` (brotli 11) and `<file>.gz` (zopfli for code, zlib 9 for the rest) beside
 * every compressible build output, so the server sends them as they are (no compression per
 * request). Runs after the files are written: it compresses exactly the bytes on disk.
 */
export function precompress(options: PrecompressOptions = {}): Plugin {
  return {
    name: 'upkit:precompress',
    apply: 'build',
    async writeBundle(output, bundle) {
      await writeTwins(output.dir ?? 'dist', Object.keys(bundle), options)
    },
  }
}
