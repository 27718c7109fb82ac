import { escapeHtml, phonePage } from '../http/html.ts'

const STYLE = `
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;background:#f5f6f8;color:#1f2329}
main{max-width:430px;margin:0 auto;padding:32px 16px}
.card{background:#fff;border-radius:12px;padding:20px 16px;box-shadow:0 1px 2px rgba(0,0,0,.04)}
h1{font-size:20px;margin:0 0 12px}
p{line-height:1.6;margin:0 0 12px}
.code{color:#6b7280;font-size:13px}
a.btn{display:flex;align-items:center;justify-content:center;min-height:44px;border-radius:22px;background:#e60012;color:#fff;text-decoration:none;font-size:16px;margin-top:8px;padding:0 16px;text-align:center;overflow-wrap:anywhere}`

/** A small phone-sized page for a callback that cannot log the user in (no session is created). */
export function oauthErrorPage(code: string, message: string, retryHref = '/login', retryText = '重新登录'): string {
  return phonePage(
    '登录未完成',
    STYLE,
    `<main data-error-code="${escapeHtml(code)}"><div class="card" role="alert">
<h1>登录未完成</h1>
<p data-testid="oauth-error-message">${escapeHtml(message)}</p>
<p class="code">错误代码：<span data-testid="oauth-error-code">${escapeHtml(code)}</span></p>
<a class="btn" href="${escapeHtml(retryHref)}" data-testid="oauth-retry">${escapeHtml(retryText)}</a>
</div></main>`,
  )
}
