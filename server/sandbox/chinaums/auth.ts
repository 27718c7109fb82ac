import { SANDBOX_CHINAUMS } from '../credentials.ts'
import { gatewaySignatureMatches, readBodySigHeader } from '../crypto/chinaums.ts'
import { parseBeijingCompact } from '../crypto/time.ts'
import { gwError, type GatewayError } from './validate.ts'

const TIMESTAMP_SKEW_MS = 10 * 60_000

/** OPEN-FORM-PARAM checks of the H5 GET (seed 1.1.3). */
export function checkFormParam(q: Record<string, unknown>, now: number): GatewayError | { content: string } {
  const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined)
  if (s('authorization') !== 'OPEN-FORM-PARAM') return gwError('BAD_REQUEST', 'authorization 必须为 OPEN-FORM-PARAM')
  const appId = s('appId')
  const timestamp = s('timestamp')
  const nonce = s('nonce')
  const content = s('content')
  const signature = s('signature')
  if (!appId || !timestamp || !nonce || !content || !signature)
    return gwError('BAD_REQUEST', 'appId、timestamp、nonce、content、signature 均必传')
  if (appId !== SANDBOX_CHINAUMS.appId) return gwError('BAD_SIGN', 'appId 不存在')
  if (nonce.length > 128) return gwError('BAD_REQUEST', 'nonce 不能超过 128 位')
  const t = parseBeijingCompact(timestamp)
  if (Number.isNaN(t)) return gwError('BAD_REQUEST', 'timestamp 必须是 yyyyMMddHHmmss')
  if (Math.abs(t - now) > TIMESTAMP_SKEW_MS) return gwError('ABNORMAL_REQUEST_TIME', '请求时间异常')
  if (!gatewaySignatureMatches({ appId, timestamp, nonce, signature }, content, SANDBOX_CHINAUMS.appKey))
    return gwError('BAD_SIGN', '签名错误')
  return { content }
}

export function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text)
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** Verifies `Authorization: OPEN-BODY-SIG ...` against the raw body. */
export function checkBodySig(header: string | undefined, raw: string, now: number): GatewayError | null {
  const sig = readBodySigHeader(header)
  if (typeof sig === 'string') return gwError('BAD_REQUEST', sig)
  if (sig.appId !== SANDBOX_CHINAUMS.appId) return gwError('BAD_SIGN', 'AppId 不存在')
  const t = parseBeijingCompact(sig.timestamp)
  if (Number.isNaN(t) || Math.abs(t - now) > TIMESTAMP_SKEW_MS) return gwError('ABNORMAL_REQUEST_TIME', '请求时间异常')
  if (!gatewaySignatureMatches(sig, raw, SANDBOX_CHINAUMS.appKey)) return gwError('BAD_SIGN', '签名错误')
  return null
}
