import { createHash, createHmac } from 'node:crypto'
import { sameString } from './compare.ts'

/**
 * The 银商 gateway's own crypto, written from seed 004 for the sandbox (never production's).
 */

export interface OpenAuth {
  appId: string
  timestamp: string
  nonce: string
  signature: string
}

/** Seed 1.1.3: `Base64_Encode(HmacSHA256(appId + timestamp + nonce + SHA256_HEX(content), AppKey))`. */
export function gatewaySignature(auth: Omit<OpenAuth, 'signature'>, content: string, appKey: string): string {
  const contentHex = createHash('sha256').update(content, 'utf8').digest('hex')
  const mac = createHmac('sha256', Buffer.from(appKey, 'utf8'))
  mac.update(auth.appId + auth.timestamp + auth.nonce + contentHex, 'utf8')
  return mac.digest('base64')
}

export function gatewaySignatureMatches(auth: OpenAuth, content: string, appKey: string): boolean {
  return sameString(gatewaySignature(auth, content, appKey), auth.signature)
}

const HEADER_FIELDS = { AppId: 'appId', Timestamp: 'timestamp', Nonce: 'nonce', Signature: 'signature' } as const

/**
 * `Authorization: OPEN-BODY-SIG AppId="…", Timestamp="…", Nonce="…", Signature="…"`. Returns the
 * four values, or a message naming what is wrong with the header.
 */
export function readBodySigHeader(header: string | undefined): OpenAuth | string {
  if (!header) return '缺少 Authorization 请求头'
  const scheme = 'OPEN-BODY-SIG '
  if (!header.startsWith(scheme)) return 'Authorization 必须以 OPEN-BODY-SIG 开头'
  const found: Partial<OpenAuth> = {}
  const pattern = /\s*([A-Za-z]+)="([^"]*)"\s*(?:,|$)/y
  const rest = header.slice(scheme.length)
  pattern.lastIndex = 0
  while (pattern.lastIndex < rest.length) {
    const at = pattern.lastIndex
    const m = pattern.exec(rest)
    if (!m || m.index !== at)
      return 'Authorization 格式应为 OPEN-BODY-SIG AppId="", Timestamp="", Nonce="", Signature=""'
    const name = m[1] as keyof typeof HEADER_FIELDS
    const field = HEADER_FIELDS[name]
    if (!field) return `Authorization 中有未知字段 ${m[1]}`
    found[field] = m[2] ?? ''
  }
  for (const [name, field] of Object.entries(HEADER_FIELDS)) {
    if (!found[field]) return `Authorization 缺少 ${name}`
  }
  return found as OpenAuth
}

export type NotifySignType = 'MD5' | 'SHA256'

/**
 * Seed 1.8.4: every param except `sign` whose value is not empty, in ASCII order, `k=v` joined
 * by `&`, raw values, the 通讯密钥 appended directly; MD5 → upper-case hex, SHA256 → lower-case
 * hex (as the seed's example prints them).
 */
export function notifySignature(params: Readonly<Record<string, string>>, key: string, type: NotifySignType): string {
  const names = Object.keys(params).filter((k) => k !== 'sign' && params[k] !== '')
  names.sort((x, y) => (x === y ? 0 : x < y ? -1 : 1))
  const data = names.map((k) => `${k}=${params[k]}`).join('&') + key
  const hex = createHash(type === 'MD5' ? 'md5' : 'sha256')
    .update(data, 'utf8')
    .digest('hex')
  return type === 'MD5' ? hex.toUpperCase() : hex
}
