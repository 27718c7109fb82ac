import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request, Agent } from 'node:http'
import { pathToFileURL } from 'node:url'
import { performance } from 'node:perf_hooks'

export interface LoadResult {
  requests: number
  seconds: number
  rps: number
  p50Ms: number
  p99Ms: number
  errors: number
  /** The server process's CPU time (user + system) per answered request, in µs; absent off Linux. */
  cpuUsPerRequest?: number
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    // the fields after the command name, which is in parentheses and may contain spaces
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15)
    return Number.isFinite(ticks) ? ticks / 100 : undefined // USER_HZ is 100 on Linux
  } catch {
    return undefined
  }
}

/**
 * `connections` keep-alive connections each sending the next POST as soon as the last answer is
 * in, for `ms` after a warm-up (autocannon's model, written small so the bench needs nothing).
 */
export async function loadTest(
  url: string,
  body: string,
  connections = 50,
  ms = 4000,
  warmupMs = 1000,
  serverPid?: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const target = new URL(url)
  const headers = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    origin: target.origin,
  }
  const once = () =>
    new Promise<number>((resolve) => {
      const req = request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        },
      )
      req.on('error', () => resolve(0))
      req.end(body)
    })
  const run = async (duration: number, lat: number[] | null) => {
    let errors = 0
    const end = performance.now() + duration
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < end) {
          const t = performance.now()
          const status = await once()
          if (status !== 200) errors++
          lat?.push(performance.now() - t)
        }
      }),
    )
    return errors
  }
  await run(warmupMs, null)
  const lat: number[] = []
  const cpu0 = processCpuSeconds(serverPid)
  const t0 = performance.now()
  const errors = await run(ms, lat)
  const seconds = (performance.now() - t0) / 1000
  const cpu1 = processCpuSeconds(serverPid)
  agent.destroy()
  lat.sort((a, b) => a - b)
  const at = (q: number) => +(lat[Math.min(lat.length - 1, Math.floor(lat.length * q))] ?? 0).toFixed(2)
  return {
    requests: lat.length,
    seconds: +seconds.toFixed(2),
    rps: Math.round(lat.length / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    errors,
    ...(cpu0 !== undefined && cpu1 !== undefined && lat.length
      ? { cpuUsPerRequest: Math.round(((cpu1 - cpu0) * 1e6) / lat.length) }
      : {}),
  }
}

export interface ServerProcess {
  port: number
  child: ChildProcess
  /** SIGTERM, then what it printed on the way out: requests its fake upstream got (express-wechat). */
  stop(): Promise<{ upstreamCalls?: number }>
}

/**
 * Starts bench/http-servers.ts <kind> in its own process and resolves with its port; `tree`: the
 * root of another checkout whose bench/http-servers.ts to run (the code before a change).
 */
export function startServerProcess(kind: string, nodeArgs: string[] = [], tree?: string): Promise<ServerProcess> {
  const script = tree
    ? new URL('bench/http-servers.ts', pathToFileURL(`${tree.replace(/\/$/, '')}/`)).pathname
    : new URL('./http-servers.ts', import.meta.url).pathname
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
    ...(tree ? { cwd: tree } : {}),
  })
  let out = ''
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()))
  const stop = async () => {
    child.kill('SIGTERM')
    await exited
    const m = /UPSTREAM (\d+)/.exec(out)
    return m ? { upstreamCalls: Number(m[1]) } : {}
  }
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /PORT (\d+)/.exec(out)
      if (m) resolve({ port: Number(m[1]), child, stop })
    })
    child.on('exit', (code) => reject(new Error(`${kind} server exited (${code ?? 'signal'}) before listening`)))
  })
}
