import type { FastifyInstance } from 'fastify'
import { escapeHtml as esc, phonePage } from '../http/html.ts'
import type { SandboxContext } from './context.ts'
import { beijingDashed } from './crypto/time.ts'
import type { Platform, TrafficRecord } from './traffic.ts'

const CONSOLE_STYLE = `
*{box-sizing:border-box}
body{font-family:-apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;background:#f5f6f8;color:#1f2329;overflow-wrap:anywhere}
main{max-width:430px;margin:0 auto;padding:12px 12px calc(16px + env(safe-area-inset-bottom))}
h1{font-size:19px;margin:8px 4px 12px}h2{font-size:16px;margin:0 0 8px}
section{background:#fff;border-radius:12px;padding:12px;margin-bottom:12px}
.kv{display:flex;justify-content:space-between;gap:12px;padding:6px 0;border-bottom:1px solid #eee;font-size:14px}
.kv span:first-child{color:#4b5563;flex:none}.kv span:last-child{text-align:right;min-width:0}
.ok{color:#15803d}.bad{color:#b91c1c}.muted{color:#4b5563;font-size:13px}
button{min-height:44px;width:100%;border:0;border-radius:22px;background:#e60012;color:#fff;font-size:15px;padding:0 12px}
nav{display:flex;flex-wrap:wrap;gap:6px;margin-bottom:8px}
nav a{display:inline-flex;align-items:center;min-height:36px;padding:0 12px;border-radius:18px;border:1px solid #d1d5db;color:#1f2329;text-decoration:none;font-size:14px}
nav a[aria-current=page]{background:#1f2329;color:#fff;border-color:#1f2329}
.head{display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap}
.head a{color:#1d4ed8;font-size:14px;min-height:36px;display:inline-flex;align-items:center}
ol{list-style:none;margin:0;padding:0}
li{border-top:1px solid #eee;padding:8px 0;font-size:13px}
.line{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:baseline}
.tag{font-size:12px;padding:1px 6px;border-radius:4px;background:#eef2ff;color:#3730a3}
.tag.chinaums{background:#fef3c7;color:#78350f}.tag.acp{background:#dcfce7;color:#14532d}
.path{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all;flex-basis:100%}
.msg{color:#b91c1c;margin:4px 0 0}
details{margin-top:4px}summary{color:#4b5563;min-height:28px;cursor:pointer}
dl{margin:4px 0 0;font-family:ui-monospace,monospace;font-size:12px}dt{color:#4b5563}dd{margin:0 0 4px;word-break:break-all}`

const PLATFORM_NAMES: Readonly<Record<Platform, string>> = {
  unionpay: '云闪付开放平台',
  chinaums: '银商',
  acp: '全渠道',
}
const FILTERS: ReadonlyArray<[Platform | 'all', string]> = [
  ['all', '全部'],
  ['unionpay', '云闪付'],
  ['chinaums', '银商'],
  ['acp', '全渠道'],
]
const REFRESH_S = 5

const time = (ms: number) => beijingDashed(ms).slice(11)

function trafficItem(r: TrafficRecord): string {
  const headers = Object.entries(r.headers)
  const outcome = r.code ? `${r.status} · ${r.code}` : String(r.status)
  return `<li data-testid="traffic" data-platform="${r.platform}" data-ok="${r.ok}">
<div class="line"><span class="muted">${esc(time(r.at))}</span><span class="tag ${r.platform}">${esc(PLATFORM_NAMES[r.platform])}</span>
<span class="${r.ok ? 'ok' : 'bad'}">${esc(outcome)}</span><span class="path">${esc(r.method)} ${esc(r.path)}</span></div>
${r.message ? `<p class="msg" data-testid="traffic-message">${esc(r.message)}</p>` : ''}
${headers.length ? `<details><summary>请求头（${headers.length}）</summary><dl>${headers.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></details>` : ''}
</li>`
}

/** GET /sandbox/ — a phone-sized look inside the simulated platforms: app, tokens, every platform's traffic. */
export function registerSandboxConsole(app: FastifyInstance, ctx: SandboxContext): void {
  app.get<{ Querystring: { p?: string; refresh?: string } }>('/', async (req, reply) => {
    const s = ctx.unionpay
    const now = ctx.clock()
    const filter = FILTERS.some(([id]) => id === req.query.p) ? (req.query.p as Platform | 'all') : 'all'
    const live = req.query.refresh !== '0'
    const link = (p: string, refresh: boolean) =>
      `./?${new URLSearchParams({ ...(p !== 'all' ? { p } : {}), ...(refresh ? {} : { refresh: '0' }) }).toString()}`
    const tokenRow = (name: string, t: { expiresAt: number } | null) =>
      `<div class="kv"><span>${name}</span><span>${t && t.expiresAt > now ? `有效，剩余 ${Math.round((t.expiresAt - now) / 1000)} 秒` : '无'}</span></div>`
    const records = ctx.traffic.records
      .filter((r) => filter === 'all' || r.platform === filter)
      .slice(-60)
      .reverse()
    const notifies = ctx.chinaums.notifyLog
      .slice(-10)
      .reverse()
      .map(
        (n) =>
          `<li><div class="line"><span class="muted">${esc(time(n.at))}</span><span>${esc(n.merOrderId)} 第 ${n.attempt} 次</span><span class="${n.answer === 'SUCCESS' ? 'ok' : 'bad'}">商户应答 ${esc(n.answer.slice(0, 60) || '（空）')}</span></div></li>`,
      )
      .join('')
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store')
    // the Refresh header reloads the page without a script (the sandbox pages' CSP allows none here)
    if (live) reply.header('refresh', String(REFRESH_S))
    return phonePage(
      'upkit 沙箱控制台',
      CONSOLE_STYLE,
      `<main>
<h1>upkit 沙箱控制台</h1>
<section><h2>云闪付开放平台 · 应用</h2>
<div class="kv"><span>appId</span><span>${esc(s.app.appId)}</span></div><div class="kv"><span>名称</span><span>${esc(s.app.name)}</span></div>
${tokenRow('backendToken', s.backendToken)}${tokenRow('frontToken', s.frontToken)}
<div class="kv"><span>本分钟调用</span><span>${s.callTimes.filter((t) => t > now - 60_000).length} / ${s.callsPerMinuteLimit}</span></div></section>
<section><form method="post" action="./__control/unionpay/expire-tokens?back=1"><button>让所有 token 失效（模拟被另一系统顶掉）</button></form></section>
<section data-testid="sandbox-traffic"><div class="head"><h2>平台流量</h2>
<a href="${esc(link(filter, !live))}" data-testid="refresh-toggle">${live ? `每 ${REFRESH_S} 秒自动刷新 · 暂停` : '已暂停 · 恢复自动刷新'}</a></div>
<nav aria-label="按平台筛选">${FILTERS.map(([id, name]) => `<a href="${esc(link(id, live))}"${id === filter ? ' aria-current="page"' : ''}>${name}</a>`).join('')}</nav>
<p class="muted">最近 ${records.length} 条，时间为北京时间；签名只显示前 8 位，cookie 不显示。</p>
<ol>${records.map(trafficItem).join('') || '<li class="muted">暂无</li>'}</ol></section>
<section><h2>银商支付通知</h2><ol>${notifies || '<li class="muted">暂无</li>'}</ol></section>
</main>`,
    )
  })
}
