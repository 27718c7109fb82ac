/**
 * The app's CSP allows no inline `<style>` (style-src 'self'), and eruda styles itself with
 * `<style>` elements. While the debug console runs, each such element's text is mirrored into a
 * constructed stylesheet adopted by the document (CSSOM, which the policy does not govern), so
 * the console is usable without loosening the page's policy. Returns the function that stops it.
 */
export function mirrorStyleElements(root: Document = document): () => void {
  if (typeof CSSStyleSheet !== 'function' || !('adoptedStyleSheets' in root)) return () => undefined
  const sheets = new Map<HTMLStyleElement, CSSStyleSheet>()
  const sync = (el: HTMLStyleElement) => {
    let sheet = sheets.get(el)
    if (!sheet) {
      sheet = new CSSStyleSheet()
      sheets.set(el, sheet)
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
    }
    try {
      sheet.replaceSync(el.textContent ?? '')
    } catch {
      /* a rule the browser rejects: the rest of the console still works */
    }
  }
  const styleOf = (n: Node | null): HTMLStyleElement | null => {
    for (let cur = n; cur; cur = cur.parentNode) if (cur instanceof HTMLStyleElement) return cur
    return null
  }
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      const own = styleOf(r.target)
      if (own) sync(own)
      r.addedNodes.forEach((n) => {
        if (n instanceof HTMLStyleElement) sync(n)
        else if (n instanceof Element) n.querySelectorAll('style').forEach(sync)
      })
    }
  })
  observer.observe(root.documentElement, { childList: true, subtree: true, characterData: true })
  return () => observer.disconnect()
}
