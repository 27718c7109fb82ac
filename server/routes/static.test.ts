import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../config.ts'
import { STARTER_SCRIPT, withInAppPreloads } from '../../common/starter.ts'
import { injectClientSettings } from '../http/client-settings.ts'
import { buildTestApp, startTestServer, type TestServer } from '../test/harness.ts'

function dist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'upkit-dist-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>')
  return dir
}

const settingsOf = (html: string): unknown =>
  JSON.parse(/<script id="upkit-settings" type="application\/json">(.*?)<\/script>/.exec(html)?.[1] ?? 'null')

describe('deploy-time settings in index.html', () => {
  it('one dist/ serves the sandbox (stub) and production (real URL, debug) by what the server is told', async () => {
    const distDir = dist()
    const sandbox = await buildTestApp({}, { distDir })
    for (const url of ['/', '/profile', '/index.html']) {
      const page = await sandbox.app.inject({ method: 'GET', url })
      expect(page.headers['content-type']).toContain('text/html')
      expect(page.headers['cache-control']).toBe('no-cache')
      expect(settingsOf(page.body)).toEqual({ upsdkUrl: 'stub' })
    }
    await sandbox.app.close()
    const prod = await buildTestApp({ UPSDK_URL: 'https://cdn.example.com/upsdk.js', UPSDK_DEBUG: '1' }, { distDir })
    expect(settingsOf((await prod.app.inject({ method: 'GET', url: '/pay/result' })).body)).toEqual({
      upsdkUrl: 'https://cdn.example.com/upsdk.js',
      upsdkDebug: true,
    })
    await prod.app.close()
  })

  it('reads VITE_UPSDK_URL at run time too, and refuses the stub outside sandbox mode', () => {
    expect(loadConfig({ SANDBOX: '1', VITE_UPSDK_URL: 'https://a.example/upsdk.js' }).client.upsdkUrl).toBe(
      'https://a.example/upsdk.js',
    )
    const err = (() => {
      try {
        loadConfig({ SANDBOX: '0', UPSDK_URL: 'stub' })
      } catch (e) {
        return e
      }
      return null
    })()
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as ConfigError).problems).toContain("UPSDK_URL: stub (the kit's stand-in) only in sandbox mode")
    expect(() => loadConfig({ SANDBOX: '1', UPSDK_URL: 'javascript:alert(1)' })).toThrow(
      /UPSDK_URL: must be an http\(s\) URL, a path, or stub/,
    )
  })

  it("points the starter's upsdk preload at the run-time URL, and drops it for the stub", () => {
    const built = `<html><head><script data-zepto="/assets/z.js" data-upsdk="https://build.example/upsdk.js">${STARTER_SCRIPT}</script></head><body></body></html>`
    const prod = injectClientSettings(built, { upsdkUrl: 'https://run.example/upsdk.js' })
    expect(prod).toContain(`data-upsdk="https://run.example/upsdk.js">${STARTER_SCRIPT}</script>`)
    expect(prod).not.toContain('build.example')
    expect(prod).toContain('data-zepto="/assets/z.js"')
    const stub = injectClientSettings(built, { upsdkUrl: 'stub' })
    expect(stub).not.toContain('data-upsdk=')
    expect(stub).toContain(`>${STARTER_SCRIPT}</script>`)
  })

  it("inside 云闪付 writes the starter's preloads as <link>s found with the HTML; other browsers get the starter as built", async () => {
    const distDir = dist()
    writeFileSync(
      join(distDir, 'index.html'),
      `<html><head><script data-zepto="/assets/zepto-1.js" data-upsdk="https://build.example/upsdk.js">${STARTER_SCRIPT}</script><title>t</title></head><body></body></html>`,
    )
    const prod = await buildTestApp({ UPSDK_URL: 'https://run.example/s/upsdk.js?v=1&x="2"' }, { distDir })
    const get = (ua: string) => prod.app.inject({ method: 'GET', url: '/pay/result', headers: { 'user-agent': ua } })
    const inApp = await get('Mozilla/5.0 (Linux; Android 13) Mobile (com.unionpay.chsp) (cordova 4.5.4)')
    expect(inApp.body).toContain(
      `<script>${STARTER_SCRIPT}</script><link rel="modulepreload" crossorigin href="/assets/zepto-1.js">` +
        `<link rel="preload" as="script" href="https://run.example/s/upsdk.js?v=1&amp;x=&quot;2&quot;"><title>`,
    )
    expect(inApp.body).not.toContain('<script data-')
    expect(inApp.headers.vary).toBe('User-Agent')
    const browser = await get('Mozilla/5.0 (Linux; Android 13) Mobile Safari')
    expect(browser.body).toContain(
      `<script data-zepto="/assets/zepto-1.js" data-upsdk="https://run.example/s/upsdk.js?v=1&amp;x=&quot;2&quot;">${STARTER_SCRIPT}</script><title>`,
    )
    expect(browser.body).not.toContain('<link rel="preload"')
    expect(browser.headers.vary).toBe('User-Agent')
    // the CSP allows the starter by the hash of its text, which neither page changes
    expect(inApp.headers['content-security-policy']).toBe(browser.headers['content-security-policy'])
    await prod.app.close()
  })

  it('preloads nothing for the stub, and only addresses the starter itself would', () => {
    const page = (upsdk: string) =>
      withInAppPreloads(
        `<head><script data-zepto="/assets/z.js" data-upsdk="${upsdk}">${STARTER_SCRIPT}</script></head>`,
      )
    expect(withInAppPreloads(injectClientSettings(page('x'), { upsdkUrl: 'stub' }))).not.toContain('rel="preload"')
    for (const bad of ['javascript:alert(1)', '//evil.example/u.js', 'data:text/javascript,1'])
      expect(page(bad)).toBe(
        `<head><script>${STARTER_SCRIPT}</script><link rel="modulepreload" crossorigin href="/assets/z.js"></head>`,
      )
    expect(withInAppPreloads('<head><script>x</script></head>')).toBe('<head><script>x</script></head>')
  })

  it("allows index.html's inline <style> (the loading shell's CSS) by its hash, and no other inline style", async () => {
    const css = '.shell{display:flex;color:#4b5563}'
    const distDir = dist()
    writeFileSync(join(distDir, 'index.html'), `<html><head><style>${css}</style></head><body></body></html>`)
    const built = await buildTestApp({}, { distDir })
    const csp = String((await built.app.inject({ method: 'GET', url: '/' })).headers['content-security-policy'])
    const hash = createHash('sha256').update(css).digest('base64')
    expect(csp).toContain(`style-src 'self' 'sha256-${hash}';`)
    await built.app.close()
    const plain = await buildTestApp({}, { distDir: dist() })
    expect(String((await plain.app.inject({ method: 'GET', url: '/' })).headers['content-security-policy'])).toContain(
      "style-src 'self';",
    )
    await plain.app.close()
  })

  it('escapes < so no value can close the element', () => {
    const html = injectClientSettings('<head></head>', {
      upsdkUrl: 'https://x.example/</script><script>alert(1)</script>',
    })
    expect(html).not.toContain('</script><script>')
    expect(settingsOf(html)).toEqual({ upsdkUrl: 'https://x.example/</script><script>alert(1)</script>' })
  })
})

describe('/readyz', () => {
  it('answers 200 while the stores answer, and 503 once the database is gone', async () => {
    const built = await buildTestApp({}, { distDir: false })
    expect((await built.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ ok: true })
    await built.ctx.db.destroy()
    const down = await built.app.inject({ method: 'GET', url: '/readyz' })
    expect(down.statusCode).toBe(503)
    expect(down.json()).toEqual({ ok: false, failed: ['database'] })
    await built.app.close()
  })
})

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

  it('leaves API routes to their handlers, decided on the matched route: /%61pi/me is /api/me, not a page', async () => {
    for (const url of ['/api/me', '/%61pi/me']) {
      const r = await get(url)
      expect(r.statusCode, url).toBe(401)
      expect(r.json(), url).toMatchObject({ error: { code: expect.any(String) } })
      expect(r.headers['cache-control'], url).toBe('no-store')
    }
    // an unknown API path is the API's 404, never the app's page
    const missing = await get('/api/nothing-here')
    expect(missing.statusCode).toBe(404)
    expect(missing.body).not.toContain('<div id="app">')
  })
})
