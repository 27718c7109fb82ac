import type { FastifyInstance } from 'fastify'
import { escapeHtml as esc, phonePage } from '../http/html.ts'
import type { SandboxContext } from './context.ts'

const CONSOLE_STYLE = `
body{font-family:-apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;background:#f5f6f8;color:#1f2329}
main{max-width:430px;margin:0 auto;padding:16px}h1{font-size:20px}section{background:#fff;border-radius:12px;padding:12px 16px;margin-bottom:12px}
table{width:100%;border-collapse:collapse;font-size:14px}td{padding:6px 4px;border-bottom:1px solid #eee}.ok{color:#16a34a}.bad{color:#dc2626}
button{min-height:44px;width:100%;border:0;border-radius:22px;background:#e60012;color:#fff;font-size:16px}`

/** GET /sandbox/ — a phone-sized look inside the simulated platform (tokens, recent calls). */
export function registerSandboxConsole(app: FastifyInstance, ctx: SandboxContext): void {
  app.get('/', async (_req, reply) => {
    const s = ctx.unionpay
    const now = ctx.clock()
    const tokenRow = (name: string, t: { expiresAt: number } | null) =>
      `<tr><td>${name}</td><td>${t && t.expiresAt > now ? `有效，剩余 ${Math.round((t.expiresAt - now) / 1000)} 秒` : '无'}</td></tr>`
    const calls = s.calls
      .slice(-30)
      .reverse()
      .map(
        (c) =>
          `<tr><td>${esc(new Date(c.at).toLocaleTimeString('zh-CN', { hour12: false }))}</td><td>${esc(c.api)}</td><td class="${c.resp === '00' ? 'ok' : 'bad'}">${esc(c.resp)}</td></tr>`,
      )
      .join('')
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store')
    return phonePage(
      'upkit 沙箱',
      CONSOLE_STYLE,
      `<main>
<h1>upkit 沙箱 · 模拟云闪付开放平台</h1>
<section><h2>应用</h2><table><tr><td>appId</td><td>${esc(s.app.appId)}</td></tr><tr><td>名称</td><td>${esc(s.app.name)}</td></tr>
${tokenRow('backendToken', s.backendToken)}${tokenRow('frontToken', s.frontToken)}
<tr><td>本分钟调用</td><td>${s.callTimes.filter((t) => t > now - 60_000).length} / ${s.callsPerMinuteLimit}</td></tr></table></section>
<section><form method="post" action="./__control/unionpay/expire-tokens?back=1"><button>让所有 token 失效（模拟被另一系统顶掉）</button></form></section>
<section><h2>最近调用</h2><table>${calls || '<tr><td>暂无</td></tr>'}</table></section>
</main>`,
    )
  })
}
