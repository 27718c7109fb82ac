import type { StubHost } from './host'

export type PayOutcome = 'success' | 'cancel' | 'fail'

/** Scripting handle of the simulated pay control, exposed as `window.__upsdkStub.pay`. */
export interface PayStubHandle {
  /** The next pay sheet chooses this by itself after `autoChooseMs` (queued, one per sheet). */
  script(outcome: PayOutcome): void
  /** What every unscripted sheet chooses by itself; `null`: wait for the user's tap. @default null */
  setDefault(outcome: PayOutcome | null): void
  /** How long a scripted sheet stays visible before its choice. @default 300 */
  setAutoChooseMs(ms: number): void
  /** Taps a button of the open sheet (what a person would do). False when no sheet is open. */
  choose(outcome: PayOutcome): boolean
  /** The tn of the open pay sheet, if any. */
  readonly open: string | null
  /** tns paid so far. */
  readonly paid: readonly string[]
}

const TN_RE = /^[0-9A-Za-z]{10,64}$/
const LABELS: Record<PayOutcome, string> = { success: '支付', cancel: '取消', fail: '失败' }

/** The visible simulated 云闪付 pay sheet: the tn, and 支付 / 取消 / 失败 buttons. */
function drawSheet(doc: Document, tn: string, onChoose: (o: PayOutcome) => void): () => void {
  doc.querySelector('[data-upsdk-stub="pay-sheet"]')?.remove()
  const backdrop = doc.createElement('div')
  backdrop.dataset.upsdkStub = 'pay-sheet'
  backdrop.setAttribute('role', 'dialog')
  backdrop.setAttribute('aria-label', '云闪付支付（模拟）')
  backdrop.style.cssText =
    'position:fixed;inset:0;background:rgba(0,0,0,.55);z-index:2147483646;display:flex;align-items:flex-end;font-family:inherit'
  const sheet = doc.createElement('div')
  sheet.style.cssText =
    'width:100%;background:#fff;border-radius:16px 16px 0 0;padding:20px 16px 28px;box-sizing:border-box;color:#222'
  const title = doc.createElement('h2')
  title.textContent = '云闪付收银台（沙箱模拟）'
  title.style.cssText = 'margin:0 0 8px;font-size:18px;text-align:center'
  const info = doc.createElement('p')
  info.textContent = `交易流水号 ${tn}`
  info.style.cssText = 'margin:0 0 16px;font-size:13px;color:#666;text-align:center;word-break:break-all'
  const buttons = doc.createElement('div')
  buttons.style.cssText = 'display:flex;gap:8px'
  for (const outcome of ['success', 'cancel', 'fail'] as const) {
    const b = doc.createElement('button')
    b.type = 'button'
    b.textContent = LABELS[outcome]
    b.dataset.outcome = outcome
    b.style.cssText = `flex:1;min-height:48px;border-radius:8px;font-size:16px;border:1px solid ${outcome === 'success' ? '#e60012' : '#ccc'};background:${outcome === 'success' ? '#e60012' : '#fff'};color:${outcome === 'success' ? '#fff' : '#333'}`
    b.addEventListener('click', () => onChoose(outcome))
    buttons.appendChild(b)
  }
  sheet.append(title, info, buttons)
  backdrop.appendChild(sheet)
  doc.body.appendChild(backdrop)
  return () => backdrop.remove()
}

/**
 * `UPWebPay.pay` against the sandbox tn provider: the sheet shows the tn until the buyer (or a
 * script) chooses, then the stub tells the sandbox what the buyer did (`POST
 * {sandboxBase}/chinaums/tn/pay`), and the sandbox sends the order's notify to the server.
 */
export function installPay(host: StubHost): PayStubHandle {
  const queue: PayOutcome[] = []
  let fallback: PayOutcome | null = null
  let autoChooseMs = 300
  const paid: string[] = []
  let openSheet: { tn: string; choose(o: PayOutcome): void } | null = null

  async function settle(tn: string, outcome: PayOutcome): Promise<{ ok: true } | { ok: false; fail: unknown }> {
    let res: Response
    try {
      res = await fetch(`${host.sandboxBase}/chinaums/tn/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tn, outcome }),
      })
    } catch {
      return { ok: false, fail: { msg: '网络异常，支付失败' } }
    }
    if (res.status === 404) return { ok: false, fail: { msg: 'TN号不合法' } }
    if (!res.ok) return { ok: false, fail: { msg: '交易失败' } }
    if (outcome === 'success') {
      paid.push(tn)
      return { ok: true }
    }
    return { ok: false, fail: { msg: outcome === 'cancel' ? '用户取消了交易' : '交易失败，请稍后重试' } }
  }

  host.define('pay', (params, reply) => {
    if (typeof params.tn !== 'string' || !TN_RE.test(params.tn)) return reply.fail({ msg: 'TN号不合法' })
    const tn: string = params.tn
    const scripted = queue.shift() ?? fallback
    let done = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const close = drawSheet(host.document, tn, (o) => choose(o))
    function choose(outcome: PayOutcome) {
      if (done) return
      done = true
      if (timer) clearTimeout(timer)
      close()
      openSheet = null
      void settle(tn, outcome).then((r) => (r.ok ? reply.success() : reply.fail(r.fail)))
    }
    openSheet = { tn, choose }
    if (scripted) timer = setTimeout(() => choose(scripted), autoChooseMs)
  })

  return {
    script: (o) => void queue.push(o),
    setDefault: (o) => {
      fallback = o
    },
    setAutoChooseMs: (ms) => {
      autoChooseMs = ms
    },
    choose(outcome) {
      if (!openSheet) return false
      openSheet.choose(outcome)
      return true
    },
    get open() {
      return openSheet?.tn ?? null
    },
    paid,
  }
}
