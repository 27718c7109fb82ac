import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

export interface BundleRow {
  name: string
  bytes: number
  budget?: number
  note?: string
}

const ROOT = new URL('..', import.meta.url).pathname
const HOME_BUDGET = 45 * 1024
const APP_BUDGET = 20 * 1024

const gz = (dir: string, href: string) => {
  const file = join(dir, href.replace(/^\//, ''))
  return existsSync(`${file}.gz`) ? statSync(`${file}.gz`).size : statSync(file).size
}

/**
 * Builds the production front end into .tmp/bench-dist and measures what the home route sends
 * (gzip, the `.gz` twins `vite build` writes, or the file itself where it wrote none): the entry
 * and its preloaded chunks apart from Zepto, against the 45 KB budget, then Zepto, which only
 * upsdk needs.
 */
export function benchBundle(): BundleRow[] {
  const outDir = join(ROOT, '.tmp', 'bench-dist')
  const build = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  )
  if (build.status !== 0) throw new Error('vite build failed')
  const html = readFileSync(join(outDir, 'index.html'), 'utf8')
  const scripts = [
    ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g),
  ].map((m) => m[1] ?? '')
  // Zepto is preloaded by the inline starter (its data-zepto attribute), inside 云闪付 only
  const zepto = [...html.matchAll(/data-zepto="([^"]+)"/g)].map((m) => m[1] ?? '')
  const home = scripts.filter((s) => !zepto.includes(s))
  // vite.config.ts puts Vue and Vue Router in the `framework` chunk (Pinia comes later, with the
  // first page that uses a store); the rest is the app's own.
  const framework = home.filter((s) => /\/framework-[^/]*\.js$/.test(s))
  const own = home.filter((s) => !framework.includes(s))
  const sum = (files: string[]) => files.reduce((n, s) => n + gz(outDir, s), 0)
  const rawBytes = home.reduce((n, s) => n + statSync(join(outDir, s.replace(/^\//, ''))).size, 0)
  return [
    {
      name: 'home route JS before Zepto (gzip)',
      bytes: sum(home),
      budget: HOME_BUDGET,
      note: `${home.length} files; ${rawBytes} B uncompressed`,
    },
    { name: "  of which the app's own code (gzip)", bytes: sum(own), budget: APP_BUDGET },
    { name: '  of which Vue + Vue Router (gzip)', bytes: sum(framework) },
    { name: 'Zepto (gzip; fetched inside 云闪付 only, for upsdk.js)', bytes: sum(zepto) },
  ]
}
