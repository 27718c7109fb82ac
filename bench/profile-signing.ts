/**
 * Where the signing route's time goes: the upkit server (bench/http-servers.ts `upkit`) under
 * `--cpu-prof`, 50 connections for `PROFILE_MS` (default 5 s), then the profile's self time
 * in the measured window (after the warm-up, without start-up) summed by function and by package/file, top rows printed. The .cpuprofile stays in the printed
 * folder (open it in Chrome DevTools). `npx tsx bench/profile-signing.ts [kind]`.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadTest, startServerProcess } from './http-load.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

const kind = process.argv[2] ?? 'upkit'
const dir = mkdtempSync(join(tmpdir(), 'upkit-prof-'))
const server = await startServerProcess(kind, ['--cpu-prof', '--cpu-prof-dir', dir])
const url = `http://127.0.0.1:${server.port}/api/upsdk/config`
const WARMUP_MS = 1000
// V8 stamps samples with the monotonic clock (µs), as process.hrtime does: keep the measured window only
const from = Number(process.hrtime.bigint() / 1000n) + WARMUP_MS * 1000
const result = await loadTest(
  url,
  JSON.stringify({ url: `http://127.0.0.1:${server.port}/pay?x=1` }),
  50,
  Number(process.env.PROFILE_MS ?? 5000),
  WARMUP_MS,
  server.child.pid,
)
const to = Number(process.hrtime.bigint() / 1000n)
await server.stop()
console.log(`${kind}: ${result.rps} rps, p99 ${result.p99Ms} ms, ${result.cpuUsPerRequest ?? '?'} µs CPU/request`)

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
if (!file) throw new Error(`no profile written in ${dir}`)
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const self = new Map<number, number>()
let at = profile.startTime
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0
  at += delta
  if (at >= from && at <= to) self.set(id, (self.get(id) ?? 0) + delta)
})
const total = [...self.values()].reduce((a, b) => a + b, 0)

/** A short place name: the package for node_modules, the repo path for ours, `node:` for core. */
const place = (u: string) => {
  if (u === '') return '(native)'
  const nm = u.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = u.slice(nm + 13).split('/')
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? u)
  }
  const repo = u.indexOf('/server/')
  return repo >= 0 ? u.slice(repo + 1) : u.replace(/^file:\/\//, '')
}
const sum = (key: (n: ProfileNode) => string) => {
  const m = new Map<string, number>()
  for (const [id, t] of self) {
    const n = byId.get(id)
    if (n) m.set(key(n), (m.get(key(n)) ?? 0) + t)
  }
  return [...m].sort((a, b) => b[1] - a[1])
}
const show = (title: string, rows: [string, number][], count: number) => {
  console.log(`\n${title}`)
  for (const [name, t] of rows.slice(0, count)) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${name}`)
}
show(
  'self time by place',
  sum((n) => place(n.callFrame.url)),
  25,
)
show(
  'self time by function',
  sum((n) => `${n.callFrame.functionName || '(anonymous)'} ${place(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`),
  40,
)

// inclusive time: a function's own samples plus its callees' (counted once per stack)
const parent = new Map<number, number>()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const inclusive = new Map<string, number>()
const label = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${place(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
for (const [id, t] of self) {
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)
    if (!n) break
    const key = label(n)
    if (seen.has(key)) continue
    seen.add(key)
    inclusive.set(key, (inclusive.get(key) ?? 0) + t)
  }
}
const mine = (k: string) => /(server|bench)\/|fastify|pino|rate-limit|cookie|zod/.test(k)
show(
  'inclusive time, our code and the server libraries',
  [...inclusive].filter(([k]) => mine(k)).sort((a, b) => b[1] - a[1]),
  Number(process.env.PROFILE_ROWS ?? 60),
)
console.log(`\nprofile: ${join(dir, file)}`)
