/**
 * The page's starter: a tiny inline script at the top of index.html that, inside 云闪付 only,
 * 1. asks the server to sign `location.href` while the app bundle is still downloading; the app
 *    reads that answer (through the same checks as any other) for its first `upsdk.config`
 *    (see src/upsdk-start.ts);
 * 2. preloads Zepto (`data-zepto`, a module chunk) and upsdk.js (`data-upsdk`, when it is a URL),
 *    so a browser outside 云闪付 fetches neither.
 * Its text never changes with the build or the deployment (the per-build file name and the
 * run-time upsdk URL are attributes), so the server hashes this exact text into the CSP
 * (`script-src 'sha256-…'`) and it stays the one copy: index.html gets it at build time.
 */
export const STARTER_GLOBAL = '__upkitStart'

/** Set (`performance.mark`) when the page's first `upsdk.config` is accepted: src/upsdk-boot.ts. */
export const UPSDK_READY_MARK = 'upkit:upsdk-ready'

/** The attributes of the starter's `<script>` element. */
export const STARTER_ZEPTO_ATTR = 'data-zepto'
export const STARTER_UPSDK_ATTR = 'data-upsdk'

/** Addresses the starter preloads upsdk.js from: http(s) URLs and absolute paths on this origin, nothing else. */
const PRELOADABLE = /^https?:\/\/[^/]|^\/(?!\/)/

export const STARTER_SCRIPT =
  `(function(){var u=location.href.split('#')[0],s=document.currentScript;` +
  `if(!/\\(com\\.unionpay\\.(chsp|mobilepay)\\)/.test(navigator.userAgent))return;` +
  `window.${STARTER_GLOBAL}={url:u,response:fetch('/api/upsdk/config',{method:'POST',credentials:'same-origin',` +
  `headers:{'content-type':'application/json'},body:JSON.stringify({url:u})})` +
  `.catch(function(){return null})};` +
  `function p(r,h){var l=document.createElement('link');l.rel=r;l.href=h;` +
  `if(r==='preload')l.as='script';else l.crossOrigin='';document.head.appendChild(l)}` +
  `var z=s&&s.getAttribute('${STARTER_ZEPTO_ATTR}'),k=s&&s.getAttribute('${STARTER_UPSDK_ATTR}');` +
  `if(z)p('modulepreload',z);if(k&&${PRELOADABLE}.test(k))p('preload',k)})()`

const escapeAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
const unescapeAttr = (v: string) =>
  v
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&')

/**
 * index.html with the starter's `data-upsdk` set to `upsdkUrl`, the deployment's run-time upsdk.js
 * address (the server's setting wins over the build's), so the preload fetches the script the
 * page will load. `stub` or undefined removes the attribute: nothing to preload.
 */
export function withStarterUpsdkUrl(html: string, upsdkUrl: string | undefined): string {
  const attr = new RegExp(`\\s${STARTER_UPSDK_ATTR}="[^"]*"`)
  const value = upsdkUrl === undefined || upsdkUrl === 'stub' ? '' : ` ${STARTER_UPSDK_ATTR}="${escapeAttr(upsdkUrl)}"`
  // the starter is the one <script> carrying data-zepto or data-upsdk; an old build has neither
  if (attr.test(html)) return html.replace(attr, value)
  return value ? html.replace(/<script(?= data-zepto=)/, `<script${value}`) : html
}

/**
 * index.html as the server sends it to a page opened inside 云闪付: the starter's two preloads
 * (Zepto's chunk, upsdk.js) written as `<link>` elements right after it, where the browser's
 * preload scanner finds them as the HTML arrives instead of when the starter runs, and taken off
 * the starter (its `data-*` attributes), which keeps signing `location.href`. Only the server,
 * which reads the user agent, can do this: a static host serves the built page, whose starter
 * preloads inside 云闪付 only.
 */
export function withInAppPreloads(html: string): string {
  const starter = new RegExp(`<script((?:\\s${STARTER_ZEPTO_ATTR}="[^"]*"|\\s${STARTER_UPSDK_ATTR}="[^"]*")+)>`).exec(
    html,
  )
  if (!starter) return html
  const attr = (name: string) => {
    const m = new RegExp(`\\s${name}="([^"]*)"`).exec(starter[1] ?? '')
    return m?.[1] === undefined ? undefined : unescapeAttr(m[1])
  }
  const zepto = attr(STARTER_ZEPTO_ATTR)
  const upsdk = attr(STARTER_UPSDK_ATTR)
  const links =
    (zepto && PRELOADABLE.test(zepto) ? `<link rel="modulepreload" crossorigin href="${escapeAttr(zepto)}">` : '') +
    (upsdk && PRELOADABLE.test(upsdk) ? `<link rel="preload" as="script" href="${escapeAttr(upsdk)}">` : '')
  const end = html.indexOf('</script>', starter.index) + '</script>'.length
  const body = html.slice(starter.index + starter[0].length, end)
  return `${html.slice(0, starter.index)}<script>${body}${links}${html.slice(end)}`
}
