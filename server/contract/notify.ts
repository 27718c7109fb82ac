import type { KeyObject } from 'node:crypto'
import { verifyNotification } from '../crypto/rsa.ts'
import { replayKey } from '../unionpay/notify-guard.ts'
import { parseBeijingTime } from '../time.ts'
import type { NotificationRecord } from './repo.ts'

export type NotifyParams = Record<string, string>

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

export { jsonPairs } from '../http/notification-body.ts'

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

/** What the record store keeps of a verified notification (the signature only as the hash of its bytes: the replay key). */
export function notificationRecord(params: NotifyParams): NotificationRecord {
  const { signature = '', ...rest } = params
  const pick = (k: string) => (params[k] ? params[k].trim() || null : null)
  return {
    signatureHash: replayKey(signature),
    appId: pick('appId'),
    openId: pick('openId'),
    contractId: pick('contractId'),
    operateTime: pick('operateTime'),
    operateAt: parseBeijingTime(params.operateTime),
    params: rest,
  }
}
