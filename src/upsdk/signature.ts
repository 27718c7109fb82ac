import type { UpsdkConfigSignature } from '@common/api'
import { UpsdkError } from './errors'

/** What `POST /api/upsdk/config` answers: the fields `upsdk.config` needs (shared with the server). */
export type { UpsdkConfigSignature }

export interface FetchSignatureOptions {
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** @default '/api/upsdk/config' */
  endpoint?: string
}

/** POST /api/upsdk/config {url}; server errors become `UpsdkError`s with source 'server'. */
export async function fetchUpsdkSignature(
  url: string,
  options: FetchSignatureOptions = {},
  /** The signature the app rejected with a20: the server drops its frontToken when it proves the current one failed. */
  rejected?: UpsdkConfigSignature,
): Promise<UpsdkConfigSignature> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  let res: Response
  try {
    res = await doFetch(options.endpoint ?? '/api/upsdk/config', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        rejected
          ? {
              url,
              rejected: { timestamp: rejected.timestamp, nonceStr: rejected.nonceStr, signature: rejected.signature },
            }
          : { url },
      ),
      credentials: 'same-origin',
    })
  } catch (err) {
    throw new UpsdkError(
      'network',
      '无法连接服务器获取 upsdk 签名，请检查网络',
      'server',
      err instanceof Error ? err.message : err,
      'config',
    )
  }
  const body: unknown = await res.json().catch(() => undefined)
  if (!res.ok) {
    const e = isRecord(body) && isRecord(body.error) ? body.error : undefined
    const code = typeof e?.code === 'string' && e.code ? e.code : 'server_error'
    const message = typeof e?.message === 'string' && e.message ? e.message : `签名服务出错（HTTP ${res.status}）`
    throw new UpsdkError(code, message, 'server', body, 'config')
  }
  if (!isRecord(body)) throw new UpsdkError('bad_answer', '签名服务的应答不是 JSON 对象', 'server', body, 'config')
  const missing = ['appId', 'timestamp', 'nonceStr', 'signature'].filter(
    (k) => typeof body[k] !== 'string' || body[k] === '',
  )
  if (missing.length)
    throw new UpsdkError('bad_answer', `签名服务的应答缺少 ${missing.join('、')}`, 'server', body, 'config')
  return {
    appId: body.appId as string,
    timestamp: body.timestamp as string,
    nonceStr: body.nonceStr as string,
    signature: body.signature as string,
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
