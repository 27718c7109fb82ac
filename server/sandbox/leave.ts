import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'

/**
 * The platforms' one-shot pages (授权 consent, 无感支付 sign page, 银商 cashier) are consumed once
 * answered: the back button must not land on them again. A `<form data-leave>` is therefore sent by
 * this script with `fetch` and the page left with `location.replace` (the page drops out of the
 * history); the server answers such a POST with `{"next": url}` instead of its redirect. It also
 * sends each page once (a double tap does nothing). Without script the forms post as before.
 * (`getAttribute('action')`: a control named "action", as on the sign page, shadows `form.action`.)
 */
export const LEAVE_SCRIPT = `document.addEventListener('submit',function(e){var f=e.target;if(!(f instanceof HTMLFormElement)||!f.hasAttribute('data-leave'))return;e.preventDefault();if(f.dataset.sent)return;f.dataset.sent='1';var s=e.submitter||undefined,body=new URLSearchParams(new FormData(f,s)),bs=document.querySelectorAll('button');bs.forEach(function(b){b.disabled=true});if(s)s.setAttribute('aria-busy','true');function plain(){bs.forEach(function(b){b.disabled=false});f.removeAttribute('data-leave');f.requestSubmit(s)}fetch(new URL(f.getAttribute('action')||'',location.href).href,{method:'POST',body:body,credentials:'same-origin',headers:{'x-sandbox-leave':'replace'}}).then(function(r){return r.ok&&(r.headers.get('content-type')||'').indexOf('json')>=0?r.json():Promise.reject()}).then(function(j){if(typeof j.next!=='string')throw 0;location.replace(j.next)}).catch(plain)})`

export const LEAVE_SCRIPT_TAG = `<script>${LEAVE_SCRIPT}</script>`

const LEAVE_HASH = `'sha256-${createHash('sha256').update(LEAVE_SCRIPT).digest('base64')}'`

/** Like the server's own pages (no script, inline style), plus exactly this script (by hash) and its same-origin POST. */
export const SANDBOX_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${LEAVE_HASH}`,
  "connect-src 'self'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** In the sandbox's scope: its pages get SANDBOX_PAGE_CSP, and a script-sent POST gets its redirect as JSON. */
export function registerLeaveByReplace(app: FastifyInstance): void {
  // runs after the root's security-header hook (parents' hooks first), so this CSP is the one sent
  app.addHook('onSend', async (req, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
      reply.header('content-security-policy', SANDBOX_PAGE_CSP)
    const status = reply.statusCode
    const location = reply.getHeader('location')
    if (req.headers['x-sandbox-leave'] !== 'replace' || status < 301 || status > 303 || typeof location !== 'string')
      return payload
    const next = new URL(location, `${req.protocol}://${req.host}${req.url}`).toString()
    reply.removeHeader('location')
    reply.code(200).type('application/json; charset=utf-8').header('cache-control', 'no-store')
    return JSON.stringify({ next })
  })
}
