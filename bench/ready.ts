import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { request, type IncomingHttpHeaders } from 'node:http'
import {
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type OutgoingHttpHeaders,
} from 'node:http2'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { chromium, devices, type Browser } from '@playwright/test'
import { build } from 'vite'
import { CHROMIUM_LAUNCH, CLOUDPAY_UA_SUFFIX } from '../scripts/chromium.ts'
import { freePort, startTestServer } from '../server/test/harness.ts'
import { UPSDK_READY_MARK } from '../common/starter.ts'
import { median, ratio } from './stats.ts'

const ROOT = new URL('..', import.meta.url).pathname
const UPSDK_PATH = '/s/open/js/upsdk.js'

/** The 4G profile of issue 19: 100 ms latency, 9 Mbps down, 1.5 Mbps up, CPU 4× slower. */
export const PROFILE_4G = { latencyMs: 100, downMbps: 9, upMbps: 1.5, cpuSlowdown: 4 }

export interface ReadyRow {
  name: string
  ms: number
  note: string
}

type PageKind = 'upkit' | 'naive' | 'bound' | 'floor'
const KINDS: readonly PageKind[] = ['upkit', 'naive', 'bound', 'floor']

const listen = (server: Http2SecureServer) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address()
      resolve(typeof addr === 'object' && addr ? addr.port : 0)
    }),
  )

/** A throw-away self-signed certificate for 127.0.0.1 (the browser is told to accept it). */
function selfSignedCert(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tls-'))
  const args = [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]
  if (spawnSync('openssl', args, { stdio: 'ignore' }).status !== 0)
    throw new Error('openssl could not make a certificate')
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }
}

interface StaticFile {
  type: string
  body: Buffer
  gzip: Buffer
  br: Buffer
}
const staticFile = (type: string, body: Buffer): StaticFile => ({
  type,
  body,
  gzip: gzipSync(body, { level: 9 }),
  br: brotliCompressSync(body),
})

/** Sends `file` compressed as the browser accepts it (brotli over https), like upkit's own static files. */
function sendStatic(req: Http2ServerRequest, res: Http2ServerResponse, file: StaticFile): void {
  const accept = String(req.headers['accept-encoding'] ?? '')
  const encoding = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : undefined
  res.writeHead(200, {
    'content-type': file.type,
    'cache-control': 'no-cache',
    'access-control-allow-origin': '*',
    ...(encoding ? { 'content-encoding': encoding } : {}),
  })
  res.end(encoding === 'br' ? file.br : encoding === 'gzip' ? file.gzip : file.body)
}

/** HTTP/1.1 connection headers, which HTTP/2 forbids, and HTTP/2's pseudo-headers, which HTTP/1.1 has none of. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection'])
function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {}
  for (const [k, v] of Object.entries(headers))
    if (!k.startsWith(':') && !HOP_BY_HOP.has(k) && v !== undefined) out[k] = v
  return out
}

/**
 * upsdk.js for the bench: the kit's two-layer stand-in (its JS layer reproduces the real script,
 * its native side checks the signature with the sandbox) as one classic script that needs Zepto
 * first, like the real one. Served from an origin of its own, as open.95516.com is.
 */
async function buildUpsdkStandIn(): Promise<Buffer> {
  const out = await build({
    configFile: false,
    logLevel: 'error',
    resolve: { alias: { '@': join(ROOT, 'src'), '@common': join(ROOT, 'common') } },
    build: {
      write: false,
      minify: true,
      target: 'es2020',
      lib: { entry: join(ROOT, 'src/upsdk/stub/classic.ts'), formats: ['iife'], name: 'upsdkStandIn' },
    },
  })
  const outputs = Array.isArray(out) ? out : [out]
  for (const o of outputs) {
    if ('output' in o) for (const chunk of o.output) if (chunk.type === 'chunk') return Buffer.from(chunk.code)
  }
  throw new Error('the upsdk stand-in did not build')
}

/** upsdk.config with the signature in `s` (a JS variable), recording when ready fires or why it failed. */
const CONFIG_WITH = (s: string) => `upsdk.error(function (e) { window.__readyError = JSON.stringify(e) })
upsdk.config({ appId: ${s}.appId, timestamp: ${s}.timestamp, nonceStr: ${s}.nonceStr, signature: ${s}.signature, debug: false })
upsdk.ready(function () { window.__readyAt = performance.now() })`

/** A page with Zepto and upsdk.js as script tags in its head, then `script` at the end of its body. */
function scriptTagsPage(title: string, upsdkUrl: string, script: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<script src="/bench/zepto.min.js"></script>
<script src="${upsdkUrl}"></script>
</head><body><p>加载中…</p>
<script>
${script}
</script></body></html>`
}

/** The official demo's way: Zepto and upsdk.js script tags, then fetch the signature, then config. */
function naivePage(upsdkUrl: string): string {
  return scriptTagsPage(
    'naive',
    upsdkUrl,
    `fetch('/api/upsdk/config', { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ url: location.href.split('#')[0] }) })
  .then(function (r) { return r.json() })
  .then(function (s) {
${CONFIG_WITH('s')}
  })`,
  )
}

/**
 * The floor: the fewest network waits a page can have before upsdk is ready. The HTML already
 * carries its signature (made by the server while it answers), the Zepto and upsdk.js tags follow,
 * then config, whose signature check is one more round trip to the platform. No page, upkit's
 * included, gets below HTML → upsdk.js → that check; the naive page has the signature request on
 * top.
 */
function floorPage(upsdkUrl: string, signature: string): string {
  return scriptTagsPage('floor', upsdkUrl, `var s = ${signature.replace(/</g, '\\u003c')}\n${CONFIG_WITH('s')}`)
}

/** Asks the upkit server (directly, not through the TLS end) to sign `url`: the floor page's signature. */
function signFor(port: number, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ url })
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/upsdk/config',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () =>
          res.statusCode === 200 ? resolve(text) : reject(new Error(`signing: ${res.statusCode} ${text}`)),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * The critical-path bound: the HTML, then everything the upkit page needs fetched in parallel at
 * once (its bundle and preloads, Zepto, upsdk.js, the signature), then only Zepto and upsdk.js
 * run and config: no app code runs at all.
 */
function boundPage(upsdkUrl: string, modules: string[], zepto: string): string {
  const links = modules.map((m) => `<link rel="modulepreload" crossorigin href="${m}" onload="done()">`).join('\n')
  return `<!doctype html><html lang="zh-CN"><head><meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>bound</title>
<script>
var pending = ${modules.length + 2}, sig
function done() { if (--pending === 0) go() }
fetch('/api/upsdk/config', { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ url: location.href.split('#')[0] }) })
  .then(function (r) { return r.json() }).then(function (s) { sig = s; done() })
function go() {
  import(${JSON.stringify(zepto)}).then(function () {
    var s = document.createElement('script'); s.src = ${JSON.stringify(upsdkUrl)}
    s.onload = function () {
${CONFIG_WITH('sig')}
    }
    document.head.appendChild(s)
  })
}
</script>
${links}
<link rel="preload" as="script" href="${upsdkUrl}" onload="done()">
</head><body><p>加载中…</p></body></html>`
}

/** Records when the upkit page first shows upsdk ready (the home page's status card). */
const WATCH_READY = `(() => {
  const check = () => {
    if (window.__shownAt === undefined && document.querySelector('[data-testid="sdk-status"][data-status="ready"]'))
      window.__shownAt = performance.now()
  }
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] })
})()`

interface Timing {
  /** upsdk's ready callback (upkit: the UPSDK_READY_MARK its boot entry sets). */
  readyMs: number
  /** upkit only: the home page's status card shows ready (the app has started and rendered). */
  shownMs: number
  fcpMs: number
}

async function timeOnce(browser: Browser, url: string, kind: PageKind): Promise<Timing> {
  const device = devices['Pixel 7']
  const context = await browser.newContext({
    ...device,
    userAgent: `${device.userAgent}${CLOUDPAY_UA_SUFFIX}`,
    ignoreHTTPSErrors: true,
  })
  try {
    const page = await context.newPage()
    if (kind === 'upkit') await page.addInitScript(WATCH_READY)
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: PROFILE_4G.latencyMs,
      downloadThroughput: (PROFILE_4G.downMbps * 1e6) / 8,
      uploadThroughput: (PROFILE_4G.upMbps * 1e6) / 8,
    })
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: PROFILE_4G.cpuSlowdown })
    const tracePath = process.env.BENCH_READY_PROFILE ? join(ROOT, '.tmp', `ready-trace-${kind}.json`) : undefined
    if (tracePath)
      await browser.startTracing(page, {
        path: tracePath,
        categories: [
          'devtools.timeline',
          'v8.execute',
          'disabled-by-default-devtools.timeline',
          'blink.user_timing',
          'loading',
        ],
      })
    await page.goto(url, { waitUntil: 'commit' })
    const handle = await page.waitForFunction(
      ([upkit, mark]) => {
        const w = globalThis as unknown as { __readyAt?: number; __shownAt?: number; __readyError?: string }
        if (w.__readyError) throw new Error(`upsdk error: ${w.__readyError}`)
        if (!upkit) return w.__readyAt
        const ready = performance.getEntriesByName(mark)[0]?.startTime
        return ready !== undefined && w.__shownAt !== undefined ? [ready, w.__shownAt] : undefined
      },
      [kind === 'upkit', UPSDK_READY_MARK] as const,
      { timeout: 30_000, polling: 50 },
    )
    const got = (await handle.jsonValue()) as number | [number, number]
    const [readyMs, shownMs] = Array.isArray(got) ? got : [got, Number.NaN]
    if (tracePath) await browser.stopTracing()
    const fcpMs = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
    )
    if (process.env.BENCH_READY_TRACE) {
      const entries = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((e) => {
            const r = e as unknown as { name: string; startTime: number; responseEnd: number }
            return `${Math.round(r.startTime)}→${Math.round(r.responseEnd)} ${r.name.replace(/^https?:\/\/[^/]+/, '')}`
          })
          .join('\n'),
      )
      const nav = await page.evaluate(() => {
        // Node's types know no PerformanceNavigationTiming: the fields read, typed here
        const entries = (performance.getEntriesByType as (type: string) => unknown[])('navigation')
        const n = entries[0] as
          | { responseStart: number; responseEnd: number; domInteractive: number; domContentLoadedEventEnd: number }
          | undefined
        return n
          ? `navigation: response ${Math.round(n.responseStart)}→${Math.round(n.responseEnd)}, interactive ${Math.round(n.domInteractive)}, loaded ${Math.round(n.domContentLoadedEventEnd)}`
          : 'navigation: no entry'
      })
      console.error(
        `--- ${kind}: ready ${Math.round(readyMs)} ms, shown ${Math.round(shownMs)} ms, first paint ${Math.round(fcpMs)} ms\n${nav}\n${entries}`,
      )
    }
    return { readyMs, shownMs, fcpMs }
  } finally {
    await context.close()
  }
}

/**
 * Time to upsdk ready in Chromium under the 4G profile, for the upkit page (production build),
 * the naive page and the critical-path bound, served by one upkit server (sandbox) in this run,
 * each from a fresh browser context (cold cache), interleaved `rounds` times; medians.
 */
export interface ReadyMedians {
  upkit: number
  /** upkit's home page shows 已就绪 */
  shown: number
  naive: number
  bound: number
  /** the fewest network waits any page can have (signature in the HTML) */
  floor: number
}

export async function benchReady(rounds: number): Promise<{ rows: ReadyRow[]; medians: ReadyMedians }> {
  // upsdk.js's own origin
  // Both origins speak HTTP/2 over TLS, as a production deployment and open.95516.com do: over
  // HTTP/1.1 the browser's six connections per origin, not the page, would decide what waits.
  const tls = selfSignedCert()
  const standIn = staticFile('text/javascript; charset=utf-8', await buildUpsdkStandIn())
  const upsdkOrigin = createSecureServer({ ...tls, allowHTTP1: true }, (req, res) => {
    if ((req.url ?? '').split('?')[0] !== UPSDK_PATH) {
      res.writeHead(404).end()
      return
    }
    sendStatic(req, res, standIn)
  })
  const upsdkUrl = `https://127.0.0.1:${await listen(upsdkOrigin)}${UPSDK_PATH}`

  // the production build, pointed at that upsdk.js
  const outDir = join(ROOT, '.tmp', 'bench-ready-dist')
  const built = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, VITE_UPSDK_URL: upsdkUrl } },
  )
  if (built.status !== 0) throw new Error('vite build failed')
  const html = readFileSync(join(outDir, 'index.html'), 'utf8')
  const modules = [
    ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g),
  ].map((m) => m[1] ?? '')
  const zepto = /data-zepto="([^"]+)"/.exec(html)?.[1]
  if (!zepto) throw new Error('index.html names no Zepto chunk')

  // one origin for the three pages: the naive and bound pages beside a proxy to the upkit server
  const HTML = 'text/html; charset=utf-8'
  const pages: Record<string, StaticFile> = {
    '/naive.html': staticFile(HTML, Buffer.from(naivePage(upsdkUrl))),
    '/bound.html': staticFile(HTML, Buffer.from(boundPage(upsdkUrl, [...modules, zepto], zepto))),
    '/bench/zepto.min.js': staticFile(
      'text/javascript; charset=utf-8',
      readFileSync(join(ROOT, 'node_modules/zepto/dist/zepto.min.js')),
    ),
  }
  // the TLS end in front of the upkit server (as a reverse proxy is), which also serves the two other pages
  const upkitPort = await freePort()
  const front = createSecureServer({ ...tls, allowHTTP1: true }, (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? ''
    const own = pages[path]
    if (own) return sendStatic(req, res, own)
    if (path === '/floor.html') {
      signFor(upkitPort, `${origin}/floor.html`).then(
        (signature) => sendStatic(req, res, staticFile(HTML, Buffer.from(floorPage(upsdkUrl, signature)))),
        () => res.writeHead(502).end(),
      )
      return
    }
    const upstream = request(
      {
        host: '127.0.0.1',
        port: upkitPort,
        path: req.url,
        method: req.method,
        headers: { ...forwardable(req.headers), host: String(req.headers[':authority'] ?? req.headers.host ?? '') },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers))
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  const origin = `https://127.0.0.1:${await listen(front)}`
  const upkit = await startTestServer(
    {
      PORT: String(upkitPort),
      PUBLIC_BASE_URL: origin,
      VITE_UPSDK_URL: upsdkUrl,
      // the server reaches its sandbox directly, not through the TLS end (whose certificate it would refuse)
      UNIONPAY_OPEN_BASE_URL: `http://127.0.0.1:${upkitPort}/sandbox/unionpay`,
    },
    { distDir: outDir, rateLimitPerMinute: 1_000_000 },
  )

  const browser = await chromium.launch(CHROMIUM_LAUNCH)
  const urls: Record<PageKind, string> = {
    upkit: `${origin}/`,
    naive: `${origin}/naive.html`,
    bound: `${origin}/bound.html`,
    floor: `${origin}/floor.html`,
  }
  const ready: Record<PageKind, number[]> = { upkit: [], naive: [], bound: [], floor: [] }
  const fcp: Record<PageKind, number[]> = { upkit: [], naive: [], bound: [], floor: [] }
  const shown: number[] = []
  try {
    for (const kind of KINDS) await timeOnce(browser, urls[kind], kind) // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const kind of KINDS) {
        const t = await timeOnce(browser, urls[kind], kind)
        ready[kind].push(t.readyMs)
        fcp[kind].push(t.fcpMs)
        if (kind === 'upkit') shown.push(t.shownMs)
      }
    }
  } finally {
    await browser.close()
    await upkit.close()
    front.close()
    upsdkOrigin.close()
  }
  const m = (k: PageKind) => median(ready[k])
  const profile = `4G: ${PROFILE_4G.latencyMs} ms, ${PROFILE_4G.downMbps}/${PROFILE_4G.upMbps} Mbps, CPU ${PROFILE_4G.cpuSlowdown}× slower`
  const paint = (k: PageKind) => `first paint ${Math.round(median(fcp[k]))} ms`
  const medians: ReadyMedians = {
    upkit: m('upkit'),
    shown: median(shown),
    naive: m('naive'),
    bound: m('bound'),
    floor: m('floor'),
  }
  const rows: ReadyRow[] = [
    {
      name: 'time to upsdk ready: upkit (production build)',
      ms: m('upkit'),
      note: `${ratio(m('upkit'), m('bound'))} the bound, ${ratio(m('upkit'), m('naive'))} naive (goal ≤1.10× bound, ≤0.60× naive); ${paint('upkit')}; ${profile}; median of ${rounds}`,
    },
    {
      name: 'upkit home page shows 已就绪 (app started)',
      ms: median(shown),
      note: `${ratio(median(shown), m('naive'))} naive upsdk ready; median of ${rounds}`,
    },
    {
      name: 'time to upsdk ready: naive page (tags, fetch, config)',
      ms: m('naive'),
      note: `${ratio(m('naive'), m('bound'))} the bound; ${paint('naive')}; median of ${rounds}`,
    },
    {
      name: 'time to upsdk ready: floor (signature in the HTML)',
      ms: m('floor'),
      note: `${ratio(m('floor'), m('naive'))} naive: no page gets below HTML → upsdk.js → config's check; ${paint('floor')}; median of ${rounds}`,
    },
    {
      name: 'time to upsdk ready: critical-path bound',
      ms: m('bound'),
      note: `all fetched in parallel after the HTML, no app code run; median of ${rounds}`,
    },
  ]
  return { rows, medians }
}
