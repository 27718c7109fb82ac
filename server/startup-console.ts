import { networkInterfaces } from 'node:os'
import type { Writable } from 'node:stream'
import pinoPretty from 'pino-pretty'

/** What the start-up lines need to know. */
export interface StartupInfo {
  publicBaseUrl: string
  host: string
  port: number
  sandbox: boolean
}

/** Readable logs in a terminal (pino-pretty); JSON lines when piped or with LOG_FORMAT=json. */
export function terminalLogStream(env: Record<string, string | undefined>, isTty: boolean): Writable | undefined {
  if (!isTty || env.LOG_FORMAT === 'json') return undefined
  return pinoPretty({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,req,res,responseTime,code',
    singleLine: true,
    messageFormat: (log, messageKey) => prettyMessage(log, messageKey),
  })
}

/** An access line as `GET /pay → 404 NO_ORDER 3 ms`; any other line as its message, with its error code. */
export function prettyMessage(log: Record<string, unknown>, messageKey = 'msg'): string {
  const msg = typeof log[messageKey] === 'string' ? (log[messageKey] as string) : ''
  const code = typeof log.code === 'string' ? log.code : undefined
  const req = log.req as { method?: unknown; url?: unknown } | undefined
  const res = log.res as { statusCode?: unknown } | undefined
  if (req && res && typeof req.method === 'string' && typeof req.url === 'string') {
    const ms = typeof log.responseTime === 'number' ? ` ${log.responseTime.toFixed(0)} ms` : ''
    return `${req.method} ${req.url} → ${String(res.statusCode)}${code ? ` ${code}` : ''}${ms}`
  }
  return code && !msg.includes(code) ? `${msg} [${code}]` : msg
}

function lanAddresses(): string[] {
  const out: string[] = []
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address)
  return out
}

/** The lines printed once the server listens: where to open it, and how to open it as 云闪付 would. */
export function startupLines(info: StartupInfo, lan: string[] = lanAddresses()): string[] {
  const base = info.publicBaseUrl.replace(/\/$/, '')
  const lines = [
    `upkit ${info.sandbox ? '沙箱模式' : ''} 已启动 / listening on http://${info.host}:${info.port}`.replace('  ', ' '),
    `  打开 / open:        ${base}/   （请用这个地址，不要换成 localhost 或其他主机名：登录 state 与 cookie 绑定这个主机）`,
  ]
  if (info.sandbox) lines.push(`  沙箱控制台 / console: ${base}/sandbox/`)
  lines.push(
    `  云闪付 UA:          Chrome 开发者工具 › 设备模式 › User agent 末尾加上 " (com.unionpay.chsp) (cordova 4.5.4) (updebug 1)"；加 ?debug=1 打开调试控制台`,
  )
  const loopbackOnly = /^(127\.|localhost$|::1$)/.test(info.host)
  if (lan.length) {
    const ip = lan[0]
    lines.push(
      loopbackOnly
        ? `  手机（同一局域网）: 以 HOST=0.0.0.0 PUBLIC_BASE_URL=http://${ip}:${info.port} npm start 启动，再在手机上打开 http://${ip}:${info.port}/`
        : `  手机（同一局域网）: http://${ip}:${info.port}/ （PUBLIC_BASE_URL 需是同一地址）`,
    )
  }
  return lines
}

/** A listen failure as one line (e.g. the port is taken), or null when it is something else. */
export function listenFailureLine(err: unknown, port: number): string | null {
  const code = (err as { code?: unknown } | null)?.code
  if (code === 'EADDRINUSE')
    return `端口 ${port} 已被占用 / port ${port} is already in use: stop the other process or start with PORT=<another port>`
  if (code === 'EACCES')
    return `没有权限监听端口 ${port} / no permission to listen on port ${port}: use a port above 1024`
  if (code === 'EADDRNOTAVAIL') return `无法监听该地址 / HOST is not an address of this machine: check HOST`
  return null
}
