import { spawn, type ChildProcess } from 'node:child_process'
import { request, Agent } from 'node:http'
import { performance } from 'node:perf_hooks'

export interface LoadResult {
  requests: number
  seconds: number
  rps: number
  p50Ms: number
  p99Ms: number
  errors: number
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
  const t0 = performance.now()
  const errors = await run(ms, lat)
  const seconds = (performance.now() - t0) / 1000
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
  }
}

/** Starts bench/http-servers.ts <kind> in its own process and resolves with its port. */
export function startServerProcess(
  kind: string,
  nodeArgs: string[] = [],
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', new URL('./http-servers.ts', import.meta.url).pathname, kind],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /PORT (\d+)/.exec(out)
      if (m) resolve({ port: Number(m[1]), child })
    })
    child.on('exit', (code) => reject(new Error(`${kind} server exited (${code ?? 'signal'}) before listening`)))
  })
}
