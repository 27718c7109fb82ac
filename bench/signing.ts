import { loadTest, startServerProcess, type LoadResult, type ServerProcess } from './http-load.ts'
import { median, ratio } from './stats.ts'

export interface SigningRow {
  name: string
  ops: number
  seconds: number
  opsPerSec: number
  p50Ms: number
  p99Ms: number
  note: string
}

const CONNECTIONS = 50
const KINDS = [
  ['bare', 'bare node:http, constant JSON (ceiling)'],
  ['fastify', 'minimal fastify, same signing'],
  ['express-wechat', 'express + wechat-jssdk (WeChat signing)'],
  ['upkit', 'upkit POST /api/upsdk/config (all hooks)'],
  ['upkit-before', 'upkit before, from BENCH_BEFORE_TREE'],
] as const
export type SigningKind = (typeof KINDS)[number][0]
type Kind = SigningKind

export interface SigningMedians {
  rps: number
  p99Ms: number
  /** µs of server CPU per request; NaN off Linux. */
  cpu: number
}

/**
 * The signing route beside its baselines: every server in its own process, all started first,
 * then `rounds` interleaved runs of 50 keep-alive connections (so a neighbour's burst on a shared
 * machine hits every server alike), and the median of each figure. Besides throughput and p99
 * it reports the server's CPU time per request, which depends far less on the neighbours.
 */
export async function benchSigning(
  rounds: number,
  ms = 3000,
): Promise<{
  rows: SigningRow[]
  medians: Record<Exclude<SigningKind, 'upkit-before'>, SigningMedians> & { 'upkit-before'?: SigningMedians }
}> {
  const servers: Partial<Record<Kind, ServerProcess>> = {}
  const runs: Record<Kind, LoadResult[]> = {
    bare: [],
    fastify: [],
    'express-wechat': [],
    upkit: [],
    'upkit-before': [],
  }
  let upstreamCalls: number | undefined
  // the upkit server of another checkout (e.g. `git worktree add /tmp/before HEAD~3`), run beside this one
  const before = process.env.BENCH_BEFORE_TREE
  const kinds = KINDS.filter(([kind]) => kind !== 'upkit-before' || before)
  try {
    for (const [kind] of kinds)
      servers[kind] =
        kind === 'upkit-before' ? await startServerProcess('upkit', [], before) : await startServerProcess(kind)
    for (let round = 0; round < rounds; round++) {
      for (const [kind] of kinds) {
        const server = servers[kind]
        if (!server) continue
        const url = `http://127.0.0.1:${server.port}/api/upsdk/config`
        const body = JSON.stringify({ url: `http://127.0.0.1:${server.port}/pay?x=1` })
        // the first round warms each server 3 s, so that its JIT has settled (0.5 s then left
        // upkit's compiler threads busy into the measured rounds, charged to it as CPU per request)
        runs[kind].push(await loadTest(url, body, CONNECTIONS, ms, round === 0 ? 3000 : 500, server.child.pid))
      }
    }
  } finally {
    for (const [kind] of kinds) {
      const stopped = await servers[kind]?.stop()
      if (kind === 'express-wechat') upstreamCalls = stopped?.upstreamCalls
    }
  }
  const med = (kind: Kind) => {
    const r = runs[kind]
    return {
      requests: Math.round(median(r.map((x) => x.requests))),
      seconds: median(r.map((x) => x.seconds)),
      rps: Math.round(median(r.map((x) => x.rps))),
      p50Ms: median(r.map((x) => x.p50Ms)),
      p99Ms: median(r.map((x) => x.p99Ms)),
      cpu: median(r.map((x) => x.cpuUsPerRequest ?? NaN)),
      errors: r.reduce((n, x) => n + x.errors, 0),
    }
  }
  const bare = med('bare')
  const fastify = med('fastify')
  const express = med('express-wechat')
  const rows = kinds.map(([kind, label]) => {
    const m = med(kind)
    const parts = [
      kind === 'bare' ? 'the ceiling' : `${ratio(m.rps, bare.rps)} bare rps, p99 ${ratio(m.p99Ms, bare.p99Ms)} bare`,
      Number.isFinite(m.cpu)
        ? `${Math.round(m.cpu)} µs CPU/request${kind === 'bare' ? '' : ` (${ratio(m.cpu, bare.cpu)} bare)`}`
        : '',
    ]
    if (kind === 'upkit' && before) {
      const b = med('upkit-before')
      parts.push(`${ratio(m.rps, b.rps)} before's rps, ${ratio(m.cpu, b.cpu)} before's CPU/request`)
    }
    if (kind === 'upkit') {
      parts.push(`${ratio(m.rps, fastify.rps)} fastify rps, ${ratio(m.rps, express.rps)} express+wechat-jssdk rps`)
      parts.push('goal ≥0.80× bare rps, p99 ≤1.50×')
    }
    if (kind === 'express-wechat' && upstreamCalls !== undefined)
      parts.push(`${upstreamCalls} calls to the local fake WeChat`)
    if (m.errors) parts.push(`${m.errors} non-200`)
    return {
      name: `signing @${CONNECTIONS} conns: ${label}`,
      ops: m.requests,
      seconds: m.seconds,
      opsPerSec: m.rps,
      p50Ms: m.p50Ms,
      p99Ms: m.p99Ms,
      note: `${parts.filter(Boolean).join('; ')} (median of ${runs[kind].length})`,
    }
  })
  const medians = Object.fromEntries(
    kinds.map(([kind]) => {
      const m = med(kind)
      return [kind, { rps: m.rps, p99Ms: m.p99Ms, cpu: m.cpu }]
    }),
  ) as Record<Exclude<SigningKind, 'upkit-before'>, SigningMedians> & { 'upkit-before'?: SigningMedians }
  return { rows, medians }
}
