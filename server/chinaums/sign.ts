import { createHash, createHmac } from 'node:crypto'
import { createNonceStr, safeEqual, sha256Hex, sortedJoin } from '../crypto/signing.ts'
import { compactTimestamp } from './time.ts'

export interface OpenCredentials {
  appId: string
  appKey: string
}

export interface OpenSigned {
  appId: string
  timestamp: string
  nonce: string
  signature: string
}

/** `Base64(HmacSHA256(appId + timestamp + nonce + SHA256_HEX(content), AppKey))` — both OPEN-FORM-PARAM and OPEN-BODY-SIG. */
export function openSignature(
  appId: string,
  timestamp: string,
  nonce: string,
  content: string,
  appKey: string,
): string {
  return createHmac('sha256', appKey)
    .update(appId + timestamp + nonce + sha256Hex(content), 'utf8')
    .digest('base64')
}

export function signOpen(
  creds: OpenCredentials,
  content: string,
  now: number,
  nonce: string = createNonceStr(32),
): OpenSigned {
  const timestamp = compactTimestamp(now)
  return {
    appId: creds.appId,
    timestamp,
    nonce,
    signature: openSignature(creds.appId, timestamp, nonce, content, creds.appKey),
  }
}

/**
 * The GET URL the browser is sent to (seed 1.1): `authorization=OPEN-FORM-PARAM`, appId, timestamp,
 * nonce, content (the JSON text), signature, each URL-encoded.
 */
export function openFormParamUrl(
  url: string,
  creds: OpenCredentials,
  content: string,
  now: number,
  nonce?: string,
): string {
  const s = signOpen(creds, content, now, nonce)
  const q = new URLSearchParams({
    authorization: 'OPEN-FORM-PARAM',
    appId: s.appId,
    timestamp: s.timestamp,
    nonce: s.nonce,
    content,
    signature: s.signature,
  })
  // URLSearchParams writes spaces as '+'; %20 is unambiguous for every decoder.
  return `${url}?${q.toString().replace(/\+/g, '%20')}`
}

/** `OPEN-BODY-SIG AppId="...", Timestamp="...", Nonce="...", Signature="..."` over the exact body text. */
export function openBodySigHeader(creds: OpenCredentials, body: string, now: number, nonce?: string): string {
  const s = signOpen(creds, body, now, nonce)
  return `OPEN-BODY-SIG AppId="${s.appId}", Timestamp="${s.timestamp}", Nonce="${s.nonce}", Signature="${s.signature}"`
}

/** Reads an OPEN-BODY-SIG header; null when it is not one. */
export function parseOpenBodySig(header: string | undefined): OpenSigned | null {
  if (!header) return null
  const m = /^OPEN-BODY-SIG\s+(.*)$/.exec(header.trim())
  if (!m?.[1]) return null
  const fields: Record<string, string> = {}
  for (const part of m[1].split(',')) {
    const kv = /^\s*(\w+)="([^"]*)"\s*$/.exec(part)
    if (!kv?.[1] || kv[2] === undefined) return null
    fields[kv[1]] = kv[2]
  }
  const { AppId, Timestamp, Nonce, Signature } = fields
  if (!AppId || !Timestamp || !Nonce || !Signature) return null
  return { appId: AppId, timestamp: Timestamp, nonce: Nonce, signature: Signature }
}

export function verifyOpenSignature(signed: OpenSigned, content: string, appKey: string): boolean {
  return safeEqual(openSignature(signed.appId, signed.timestamp, signed.nonce, content, appKey), signed.signature)
}

export type NotifySignType = 'MD5' | 'SHA256'

/** Seed 1.8.4: sorted non-empty params except `sign`, `k=v` joined by `&`, raw values, the 通讯密钥 appended directly. */
export function notifySignString(params: Record<string, string | undefined>, md5Key: string): string {
  return sortedJoin(params, { exclude: ['sign'], skipEmpty: true }) + md5Key
}

/** MD5 is upper-case hex, SHA256 lower-case hex (as in the seed's example). */
export function notifySign(
  params: Record<string, string | undefined>,
  md5Key: string,
  signType: NotifySignType = 'MD5',
): string {
  const data = notifySignString(params, md5Key)
  if (signType === 'SHA256') return createHash('sha256').update(data, 'utf8').digest('hex')
  return createHash('md5').update(data, 'utf8').digest('hex').toUpperCase()
}

/** `signType` absent → MD5; an unknown value → null (refuse). What we sign with. */
export function notifySignType(raw: string | undefined): NotifySignType | null {
  if (raw === undefined || raw.trim() === '') return 'MD5'
  const t = raw.trim().toUpperCase()
  return t === 'MD5' || t === 'SHA256' ? t : null
}

function signWith(
  params: Record<string, string | undefined>,
  md5Key: string,
  type: NotifySignType,
  skipEmpty: boolean,
): string {
  const data = sortedJoin(params, { exclude: ['sign'], skipEmpty }) + md5Key
  return createHash(type === 'SHA256' ? 'sha256' : 'md5')
    .update(data, 'utf8')
    .digest('hex')
    .toUpperCase()
}

/**
 * Verifies the `sign` of a notify or return page, tolerantly: public implementations disagree on
 * a missing `signType` (MD5 per seed 1.8.4, SHA256 in others) and on whether empty values are
 * signed (the seed says they are not). A given `signType` is the only one tried; without it both
 * are. Empty values are tried left out and kept in. Accepted when any of these readings verifies;
 * hex case is not significant; every comparison is constant-time and all readings are always
 * computed. We sign strictly (`notifySign`).
 */
export function verifyNotifySign(params: Record<string, string | undefined>, md5Key: string): boolean {
  const sign = params.sign?.trim().toUpperCase()
  if (!sign) return false
  const rawType = params.signType?.trim() ?? ''
  const given = rawType === '' ? null : notifySignType(rawType)
  if (rawType !== '' && given === null) return false
  const types: NotifySignType[] = given ? [given] : ['MD5', 'SHA256']
  let ok = false
  for (const type of types) {
    for (const skipEmpty of [true, false]) ok = safeEqual(signWith(params, md5Key, type, skipEmpty), sign) || ok
  }
  return ok
}
