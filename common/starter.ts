/**
 * The page's starter: a tiny inline script in index.html that, inside 云闪付 only, asks the server
 * to sign `location.href` while the app bundle is still downloading. The app reads that answer (through
 * the same checks as any other) for its first `upsdk.config` (see src/upsdk-start.ts). The server hashes this exact text into the CSP
 * (`script-src 'sha256-…'`), so it stays the one copy: index.html gets it at build time.
 */
export const STARTER_GLOBAL = '__upkitStart'

export const STARTER_SCRIPT =
  `(function(){var u=location.href.split('#')[0];` +
  `if(!/\\(com\\.unionpay\\.(chsp|mobilepay)\\)/.test(navigator.userAgent))return;` +
  `window.${STARTER_GLOBAL}={url:u,response:fetch('/api/upsdk/config',{method:'POST',credentials:'same-origin',` +
  `headers:{'content-type':'application/json'},body:JSON.stringify({url:u})})` +
  `.catch(function(){return null})}})()`
