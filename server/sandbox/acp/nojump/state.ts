import { randomInt } from 'node:crypto'
import type { TestCard } from './cards.ts'

/** SMS codes live 5 minutes and allow 3 wrong tries (sandbox choices, docs/nojump.md). */
export const SMS_TTL_MS = 5 * 60_000
export const SMS_MAX_TRIES = 3

export type SmsPurpose = 'open' | 'consume'

export interface SmsCode {
  purpose: SmsPurpose
  code: string
  phone: string
  /** open: the card; consume: the token and amount. */
  pan?: string
  token?: string
  txnAmt?: number
  sentAt: number
  tries: number
  used: boolean
}

export interface SandboxToken {
  token: string
  merId: string
  trId: string
  pan: string
  status: 'active' | 'deleted'
  /** How it was opened: back (79 with SMS), front (bank page), open_pay (开通并支付). */
  via: 'back' | 'front' | 'open_pay'
  /** merId:day:orderId of the opening transaction (for 78 open query and 79/05 apply token). */
  openKey: string
  openedAt: number
  tokenEnd: string
}

/** 无跳转 (token) state of the sandbox gateway: SMS codes, tokens bound to a merchant, opens. */
export class NojumpSandboxState {
  readonly sms = new Map<string, SmsCode>()
  readonly tokens = new Map<string, SandboxToken>()
  /** openKey → token, for the open query and token-by-orderId. */
  readonly opens = new Map<string, SandboxToken>()
  /** Front-end opens waiting for the buyer on the bank page: ref → the signed request. */
  readonly pendingFront = new Map<string, { fields: Record<string, string>; createdAt: number }>()

  constructor(readonly clock: () => number) {}

  /** SMS codes are keyed like orders: the later open/consume must reuse the SMS's orderId and txnTime. */
  static smsKey(merId: string, orderId: string, txnTime: string): string {
    return `${merId}:${txnTime.slice(0, 8)}:${orderId}`
  }

  sendSms(key: string, s: Omit<SmsCode, 'code' | 'sentAt' | 'tries' | 'used'>): SmsCode {
    const code: SmsCode = {
      ...s,
      code: String(randomInt(0, 1_000_000)).padStart(6, '0'),
      sentAt: this.clock(),
      tries: 0,
      used: false,
    }
    this.sms.set(key, code)
    return code
  }

  /** Checks a code once: wrong, expired, used or too many tries → a reason. */
  checkSms(key: string, purpose: SmsPurpose, code: string | undefined): string | null {
    const s = this.sms.get(key)
    if (!s || s.purpose !== purpose) return '未获取短信验证码或与本交易不符'
    if (s.used) return '短信验证码已使用'
    if (this.clock() - s.sentAt > SMS_TTL_MS) return '短信验证码已过期'
    if (s.tries >= SMS_MAX_TRIES) return '短信验证码错误次数过多，请重新获取'
    if (s.code !== code) {
      s.tries++
      return '短信验证码错误'
    }
    s.used = true
    return null
  }

  /** The newest code sent for an order (the sandbox "phone" the demo shows). */
  latestSms(orderId: string): SmsCode | undefined {
    let found: SmsCode | undefined
    for (const [k, v] of this.sms) if (k.endsWith(`:${orderId}`) && (!found || v.sentAt >= found.sentAt)) found = v
    return found
  }

  newToken(): string {
    for (;;) {
      // 19 digits starting with 9: never a UnionPay card prefix, so a token is never mistaken for a PAN.
      let t = '9'
      while (t.length < 19) t += String(randomInt(0, 10))
      if (!this.tokens.has(t)) return t
    }
  }

  /** Opens a card for a merchant: every open issues a new token (a card may be opened by several users). */
  open(card: TestCard, p: { merId: string; trId: string; via: SandboxToken['via']; openKey: string }): SandboxToken {
    const now = this.clock()
    const end = new Date(now + 8 * 3600_000 + 5 * 365 * 24 * 3600_000)
    const t: SandboxToken = {
      token: this.newToken(),
      merId: p.merId,
      trId: p.trId,
      pan: card.pan,
      status: 'active',
      via: p.via,
      openKey: p.openKey,
      openedAt: now,
      tokenEnd: `${end.getUTCFullYear()}${String(end.getUTCMonth() + 1).padStart(2, '0')}${String(end.getUTCDate()).padStart(2, '0')}235959`,
    }
    this.tokens.set(t.token, t)
    this.opens.set(p.openKey, t)
    return t
  }

  active(merId: string, token: string, trId: string): SandboxToken | undefined {
    const t = this.tokens.get(token)
    return t && t.merId === merId && t.trId === trId && t.status === 'active' ? t : undefined
  }
}
