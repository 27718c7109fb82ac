import type { FastifyInstance, FastifyRequest } from 'fastify'

export type Platform = 'unionpay' | 'chinaums' | 'acp'

/** One request to a simulated platform as the console shows it. */
export interface TrafficRecord {
  at: number
  platform: Platform
  method: string
  /** Path under /sandbox, query left out (it carries codes and states). */
  path: string
  status: number
  /** The platform's own answer code (`resp`, `errCode`, `respCode`) when it has one. */
  code: string
  /** Its message, kept for answers that are not a success. */
  message: string
  ok: boolean
  /** Request headers worth seeing; cookies never, signatures shortened. */
  headers: Record<string, string>
}

const KEEP = 300
const SHOWN_HEADERS = ['content-type', 'authorization', 'user-agent', 'x-sandbox-leave']
const SUCCESS_CODES = new Set(['00', 'SUCCESS', ''])

/** The last requests to the simulated platforms, newest last. */
export class SandboxTraffic {
  readonly records: TrafficRecord[] = []

  add(r: TrafficRecord): void {
    this.records.push(r)
    if (this.records.length > KEEP) this.records.splice(0, this.records.length - KEEP)
  }
}

function platformOf(path: string): Platform | null {
  const m = /^\/sandbox\/(unionpay|chinaums|acp)\//.exec(path)
  if (!m || path.includes('/__control')) return null
  return m[1] as Platform
}

/** `Signature="…"` and `signature=…` shortened to 8 characters: enough to compare, not to reuse. */
function shortenSignatures(v: string): string {
  return v.replace(/(signature\s*=\s*"?)([^",\s&]{8})[^",\s&]*/gi, '$1$2…')
}

function shownHeaders(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of SHOWN_HEADERS) {
    const v = req.headers[name]
    if (typeof v === 'string' && v) out[name] = shortenSignatures(v).slice(0, 300)
  }
  return out
}

/** The answer's platform code and message: 开放平台 `{resp,msg}`, 银商 `{errCode,errMsg}`, 全渠道 `respCode=…&respMsg=…`. */
export function answerCode(payload: unknown): { code: string; message: string } {
  if (typeof payload !== 'string' || payload.length > 200_000) return { code: '', message: '' }
  if (payload.startsWith('{')) {
    try {
      const j = JSON.parse(payload) as Record<string, unknown>
      const code = j.resp ?? j.errCode ?? ''
      const message = j.msg ?? j.errMsg ?? ''
      return { code: typeof code === 'string' ? code : '', message: typeof message === 'string' ? message : '' }
    } catch {
      return { code: '', message: '' }
    }
  }
  if (/^[A-Za-z]+=/.test(payload)) {
    const q = new URLSearchParams(payload)
    return { code: q.get('respCode') ?? '', message: q.get('respMsg') ?? '' }
  }
  return { code: '', message: '' }
}

/** Records every request to the simulated platforms (not the console, not `__control`). */
export function registerTrafficLog(app: FastifyInstance, traffic: SandboxTraffic, clock: () => number): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const path = req.url.split('?')[0] ?? ''
    const platform = platformOf(path)
    if (!platform) return payload
    const status = reply.statusCode
    const { code, message } = answerCode(payload)
    const ok = status < 400 && SUCCESS_CODES.has(code)
    traffic.add({
      at: clock(),
      platform,
      method: req.method,
      path: path.slice('/sandbox'.length),
      status,
      code,
      message: ok ? '' : message.slice(0, 300),
      ok,
      headers: shownHeaders(req),
    })
    return payload
  })
}
