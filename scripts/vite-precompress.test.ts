import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../server/test/harness.ts'
import { compressTwins, writeTwins } from './vite-precompress.ts'

/** Minified-looking code with repeats zlib's greedy matcher handles worse than zopfli. */
function sampleJs(kb: number): Buffer {
  const parts: string[] = []
  for (let i = 0; parts.join('').length < kb * 1024; i++)
    parts.push(`function f${i}(e,t){return e.status===\`ready\`?t(${i % 7},"配置${i % 13}"):e.retry(${i})}`)
  return Buffer.from(parts.join(';'))
}

describe('compressTwins', () => {
  it('code: a zopfli gzip twin, smaller than zlib level 9, that gunzips to the exact bytes; brotli likewise', async () => {
    const js = sampleJs(8)
    const twins = await compressTwins('assets/app-abc.js', js)
    expect(twins.gzipBy).toBe('zopfli')
    expect(Buffer.from(gunzipSync(twins.gz ?? new Uint8Array())).equals(js)).toBe(true)
    expect(twins.gz?.length).toBeLessThan(gzipSync(js, { level: 9 }).length)
    expect(Buffer.from(brotliDecompressSync(twins.br ?? new Uint8Array())).equals(js)).toBe(true)
  })

  it('zlib level 9 for other text and for code outside the zopfli size range', async () => {
    const js = sampleJs(8)
    expect((await compressTwins('assets/a.svg', js)).gzipBy).toBe('zlib')
    expect((await compressTwins('assets/a.js', js, { zopfliMaxBytes: 4096 })).gzipBy).toBe('zlib')
    const small = sampleJs(1).subarray(0, 900)
    const twins = await compressTwins('assets/rolldown-runtime-x.js', small)
    expect(twins.gzipBy).toBe('zlib')
    expect(Buffer.from(gunzipSync(twins.gz ?? new Uint8Array())).equals(small)).toBe(true)
  })

  it('no twin that would not be smaller than the file, and none for index.html or images', async () => {
    expect(await compressTwins('assets/x.js', Buffer.from('x'))).toEqual({})
    expect(await compressTwins('index.html', sampleJs(4))).toEqual({})
    expect(await compressTwins('assets/logo.png', sampleJs(4))).toEqual({})
  })
})

describe('precompressed files through the server', () => {
  const js = sampleJs(6)
  let dir: string
  let built: TestApp
  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'upkit-precompress-')), 'dist')
    mkdirSync(join(dir, 'assets'), { recursive: true })
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>')
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), js)
    await writeTwins(dir, ['index.html', 'assets/app-abc123.js'])
    built = await buildTestApp({}, { distDir: dir })
  })
  afterAll(() => built.app.close())

  it('serves the zopfli .gz as written, and it gunzips to the exact file', async () => {
    expect(existsSync(join(dir, 'index.html.gz'))).toBe(false)
    const res = await built.app.inject({
      method: 'GET',
      url: '/assets/app-abc123.js',
      headers: { 'accept-encoding': 'gzip' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(res.rawPayload.equals(readFileSync(join(dir, 'assets', 'app-abc123.js.gz')))).toBe(true)
    expect(gunzipSync(res.rawPayload).equals(js)).toBe(true)
    const br = await built.app.inject({
      method: 'GET',
      url: '/assets/app-abc123.js',
      headers: { 'accept-encoding': 'br' },
    })
    expect(brotliDecompressSync(br.rawPayload).equals(js)).toBe(true)
  })
})
