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

export const STARTER_SCRIPT =
  `(function(){var u=location.href.split('#')[0],s=document.currentScript;` +
  `if(!/\\(com\\.unionpay\\.(chsp|mobilepay)\\)/.test(navigator.userAgent))return;` +
  `window.${STARTER_GLOBAL}={url:u,response:fetch('/api/upsdk/config',{method:'POST',credentials:'same-origin',` +
  `headers:{'content-type':'application/json'},body:JSON.stringify({url:u})})` +
  `.catch(function(){return null})};` +
  `function p(r,h){var l=document.createElement('link');l.rel=r;l.href=h;` +
  `if(r==='preload')l.as='script';else l.crossOrigin='';document.head.appendChild(l)}` +
  `var z=s&&s.getAttribute('${STARTER_ZEPTO_ATTR}'),k=s&&s.getAttribute('${STARTER_UPSDK_ATTR}');` +
  `if(z)p('modulepreload',z);if(k&&/^https?:\\/\\/[^/]|^\\/(?!\\/)/.test(k))p('preload',k)})()`

/**
 * index.html with the starter's `data-upsdk` set to `upsdkUrl`, the deployment's run-time upsdk.js
 * address (the server's setting wins over the build's), so the preload fetches the script the
 * page will load. `stub` or undefined removes the attribute: nothing to preload.
 */
export function withStarterUpsdkUrl(html: string, upsdkUrl: string | undefined): string {
  const attr = new RegExp(`\\s${STARTER_UPSDK_ATTR}="[^"]*"`)
  const value =
    upsdkUrl === undefined || upsdkUrl === 'stub'
      ? ''
      : ` ${STARTER_UPSDK_ATTR}="${upsdkUrl.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`
  // the starter is the one <script> carrying data-zepto or data-upsdk; an old build has neither
  if (attr.test(html)) return html.replace(attr, value)
  return value ? html.replace(/<script(?= data-zepto=)/, `<script${value}`) : html
}
