import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test/harness.ts'

describe('static files', () => {
  const js = 'export const x = 1;\n'.repeat(200)
  let server: TestServer
  beforeAll(async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'upkit-static-')), 'dist')
    mkdirSync(join(dir, 'assets'), { recursive: true })
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>')
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), js)
    writeFileSync(join(dir, 'assets', 'index-abc123.js.br'), brotliCompressSync(js))
    writeFileSync(join(dir, 'assets', 'index-abc123.js.gz'), gzipSync(js))
    server = await startTestServer({}, { distDir: dir })
  })
  afterAll(() => server.close())

  const get = (url: string, encoding?: string) =>
    server.app.inject({ method: 'GET', url, headers: encoding ? { 'accept-encoding': encoding } : {} })

  it('sends the brotli twin when the browser takes br, else gzip, else the plain file', async () => {
    const br = await get('/assets/index-abc123.js', 'gzip, deflate, br')
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.rawPayload.equals(brotliCompressSync(js))).toBe(true)
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i)
    const gz = await get('/assets/index-abc123.js', 'gzip')
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gz.rawPayload.length).toBeLessThan(js.length / 10)
    const plain = await get('/assets/index-abc123.js')
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body).toBe(js)
  })

  it('caches hashed assets for a year and never index.html, on its path and as the SPA fallback', async () => {
    expect((await get('/assets/index-abc123.js', 'br')).headers['cache-control']).toBe(
      'public, max-age=31536000, immutable',
    )
    expect((await get('/index.html')).headers['cache-control']).toBe('no-cache')
    const page = await get('/profile', 'br')
    expect(page.headers['cache-control']).toBe('no-cache')
    expect(page.body).toContain('<div id="app">')
  })
})
