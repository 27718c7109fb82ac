import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadEnv } from 'vite'

const ROOT = new URL('..', import.meta.url).pathname
const STAMP = join(ROOT, 'dist', '.upkit-build.json')
const INPUTS = [
  'src',
  'public',
  'common',
  'index.html',
  'vite.config.ts',
  'scripts/vite-precompress.ts',
  'package-lock.json',
  'env.d.ts',
]

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

/**
 * Builds the front end with `vite build --mode <mode>` unless dist/ already holds a build of
 * that mode, with the same build-time defaults (`VITE_*`), newer than every input. Deploy-time
 * settings are injected by the server at run time, so `npm start` builds one production-mode
 * dist/ for the sandbox and for production alike.
 */
export function ensureBuild(mode: 'sandbox' | 'production' = 'production'): void {
  const inputsMtime = Math.max(...INPUTS.map((p) => newestMtime(join(ROOT, p))))
  const defaults = Object.fromEntries(
    Object.entries(loadEnv(mode, ROOT, 'VITE_')).sort(([a], [b]) => a.localeCompare(b)),
  )
  if (existsSync(STAMP)) {
    try {
      const stamp = JSON.parse(readFileSync(STAMP, 'utf8')) as {
        mode?: string
        inputsMtime?: number
        defaults?: unknown
      }
      const same = JSON.stringify(stamp.defaults ?? {}) === JSON.stringify(defaults)
      if (stamp.mode === mode && same && (stamp.inputsMtime ?? 0) >= inputsMtime) return
    } catch {
      // unreadable stamp: rebuild
    }
  }
  console.log(`upkit: building the H5 app (mode ${mode})…`)
  const r = spawnSync('npx', ['vite', 'build', '--mode', mode], { cwd: ROOT, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error('upkit: vite build failed')
    process.exit(r.status ?? 1)
  }
  writeFileSync(STAMP, JSON.stringify({ mode, inputsMtime, defaults, builtAt: new Date().toISOString() }))
}
