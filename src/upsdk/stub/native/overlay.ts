/** What the app would show natively (toast, closed page), drawn on the page for dev and e2e. */
export function showOverlay(doc: Document, kind: 'toast' | 'closed', text: string, ms?: number): void {
  if (!doc.body) return
  doc.querySelector(`[data-upsdk-stub="${kind}"]`)?.remove()
  const el = doc.createElement('div')
  el.dataset.upsdkStub = kind
  el.setAttribute('role', kind === 'toast' ? 'status' : 'alert')
  el.textContent = text
  el.style.cssText =
    kind === 'toast'
      ? 'position:fixed;left:50%;top:45%;transform:translateX(-50%);max-width:80%;padding:10px 16px;border-radius:8px;background:rgba(0,0,0,.75);color:#fff;font-size:15px;z-index:2147483647;text-align:center'
      : 'position:fixed;inset:0;display:flex;align-items:center;justify-content:center;background:rgba(0,0,0,.85);color:#fff;font-size:17px;z-index:2147483647'
  doc.body.appendChild(el)
  if (ms) setTimeout(() => el.remove(), ms)
}
