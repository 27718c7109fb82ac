/**
 * Rules every 云闪付 notification (用户授权解除通知 5.2.3, 解约结果通知 5.4.3) passes after its
 * signature verified, pure: the fields the seed lists are present, the signed `timestamp` is
 * fresh, and the key a replay is recognised by.
 */
import { createHash } from 'node:crypto'

/** Seed 003 5.2.3.3. */
export const AUTH_REVOKE_FIELDS = ['appId', 'timestamp', 'nonceStr', 'openId', 'signature'] as const
/** Seed 003 5.4.3.3. */
export const CONTRACT_RELIEVE_FIELDS = [
  'appId',
  'timestamp',
  'nonceStr',
  'operateTime',
  'openId',
  'trid',
  'contractId',
  'signature',
] as const

/**
 * How old a signed `timestamp` (seconds) may be. The platform's retries of one notification keep
 * its signature, so the window is generous (a day, like 银商's retries); replays inside it are
 * caught by the receipt kept in the database, in the same transaction as the effect.
 */
export const NOTIFY_MAX_AGE_MS = 24 * 3600_000
/** Clock skew tolerated the other way (the platform accepts ±5 min). */
export const NOTIFY_MAX_AHEAD_MS = 5 * 60_000

/** The listed fields that are missing or blank. */
export function missingFields(params: Record<string, string>, required: readonly string[]): string[] {
  return required.filter((k) => (params[k] ?? '').trim() === '')
}

/** The signed `timestamp` (seconds since the epoch) as ms, or null when it is not one. */
export function notificationTime(timestamp: string | undefined): number | null {
  const t = timestamp?.trim() ?? ''
  return /^\d{9,11}$/.test(t) ? Number(t) * 1000 : null
}

/** Why a notification's timestamp is not acceptable at `now`, or null when it is fresh. */
export function staleness(timestamp: string | undefined, now: number): string | null {
  const at = notificationTime(timestamp)
  if (at === null) return 'timestamp is not seconds since the epoch'
  if (at < now - NOTIFY_MAX_AGE_MS) return 'timestamp older than the freshness window'
  if (at > now + NOTIFY_MAX_AHEAD_MS) return 'timestamp in the future'
  return null
}

/**
 * What a notification is recognised by when it comes again: the sha256 of its signature's
 * decoded bytes, so the same signature re-encoded (URL-safe alphabet, padding dropped, line
 * breaks) is the same notification. RSA PKCS#1 v1.5 signatures are deterministic: the same
 * message always carries the same bytes.
 */
export function replayKey(signature: string): string {
  const bytes = Buffer.from(signature.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  return createHash('sha256').update(bytes).digest('hex')
}
