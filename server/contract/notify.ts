import { createHash, type KeyObject } from 'node:crypto'
import { verifyNotification } from '../crypto/rsa.ts'
import { parseBeijingTime } from '../time.ts'
import type { NotificationRecord } from './repo.ts'

export type NotifyParams = Record<string, string>

/** Fields of the 解约结果通知 (5.4.3.3); anything else is kept but not required. */
export const NOTIFY_FIELDS = ['appId', 'timestamp', 'nonceStr', 'operateTime', 'openId', 'trid', 'contractId', 'signature'] as const

/**
 * Merges name/value pairs from the query and the body into one map. A name given twice with
 * different values makes the message ambiguous: null.
 */
export function collectParams(...sources: Array<Array<[string, string]>>): NotifyParams | null {
  const out: NotifyParams = Object.create(null) as NotifyParams
  for (const pairs of sources) {
    for (const [k, v] of pairs) {
      if (!k) continue
      if (k in out && out[k] !== v) return null
      out[k] = v
    }
  }
  return out
}

/** A JSON body's fields as strings; null when it is not a flat object of scalars. */
export function jsonPairs(body: unknown): Array<[string, string]> | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null
  const out: Array<[string, string]> = []
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (v === null || v === undefined) continue
    if (typeof v === 'string') out.push([k, v])
    else if (typeof v === 'number' || typeof v === 'boolean') out.push([k, String(v)])
    else return null
  }
  return out
}

/**
 * Verifies the signature (appendix 5: SHA256withRSA over the sorted non-empty params except
 * `signature` and `symmetricKey`) and returns the params that verified, or null.
 *
 * A sender that form-encodes spaces as `+` turns operateTime's space into `+`, while base64
 * values (openId, signature) carry literal `+`. Both readings are tried; the signature decides.
 */
export function verifiedParams(params: NotifyParams, publicKey: KeyObject): NotifyParams | null {
  if (!params.signature) return null
  if (verifyNotification(params, publicKey)) return params
  const spaced: NotifyParams = {}
  let changed = false
  for (const [k, v] of Object.entries(params)) {
    if (k === 'signature' || k === 'openId' || !v.includes('+')) spaced[k] = v
    else {
      spaced[k] = v.replaceAll('+', ' ')
      changed = true
    }
  }
  if (changed && verifyNotification(spaced, publicKey)) return spaced
  return null
}

/** What the record store keeps of a verified notification (the signature only as a hash). */
export function notificationRecord(params: NotifyParams): NotificationRecord {
  const { signature = '', ...rest } = params
  const pick = (k: string) => (params[k] ? params[k].trim() || null : null)
  return {
    signatureHash: createHash('sha256').update(signature).digest('hex'),
    appId: pick('appId'),
    openId: pick('openId'),
    contractId: pick('contractId'),
    operateTime: pick('operateTime'),
    operateAt: parseBeijingTime(params.operateTime),
    params: rest,
  }
}
