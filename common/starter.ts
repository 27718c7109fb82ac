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
