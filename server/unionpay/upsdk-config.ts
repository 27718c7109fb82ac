import type { UpsdkConfigSignature } from '../../common/api.ts'
import { DomainError } from '../errors.ts'
import { createNonceStr, unionpaySignature, unixSeconds } from '../crypto/signing.ts'

export type { UpsdkConfigSignature }

/**
 * The page URL as the native side sees it: absolute http(s), without `#...`, and on one of the
 * UPSDK 安全域名. Throws a 400 naming the problem otherwise.
 */
export function normaliseSignedUrl(input: unknown, allowedOrigins: readonly string[]): string {
  if (typeof input !== 'string' || input.trim() === '')
    throw new DomainError('invalid', 'URL_REQUIRED', 'url 必填：当前页面的完整地址')
  if (input.length > 2048) throw new DomainError('invalid', 'URL_TOO_LONG', 'url 过长（最多 2048 个字符）')
  const withoutHash = input.split('#')[0] ?? ''
  let parsed: URL
  try {
    parsed = new URL(withoutHash)
  } catch {
    throw new DomainError('invalid', 'URL_INVALID', 'url 必须是完整的 http(s) 地址')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new DomainError('invalid', 'URL_INVALID', 'url 必须是完整的 http(s) 地址')
  }
  if (!allowedOrigins.includes(parsed.origin)) {
    throw new DomainError(
      'invalid',
      'URL_ORIGIN_NOT_ALLOWED',
      `${parsed.origin} 不在 UPSDK 安全域名（UPSDK_ALLOWED_ORIGINS）内`,
    )
  }
  return withoutHash
}

/** Appendix 1/2: sha256 over appId, frontToken, nonceStr, timestamp, url (sorted, raw values). */
export function signUpsdkConfig(
  appId: string,
  frontToken: string,
  url: string,
  now: number = Date.now(),
  nonceStr: string = createNonceStr(),
): UpsdkConfigSignature {
  const timestamp = String(unixSeconds(now))
  return { appId, timestamp, nonceStr, signature: unionpaySignature({ appId, frontToken, nonceStr, timestamp, url }) }
}
