import type { KeyObject } from 'node:crypto'
import { isIP } from 'node:net'
import { DomainError } from '../errors.ts'
import { newTransNumber, type OpenApiDeps } from '../unionpay/open-api.ts'
import { checkPayPwdNotification, requestPayPwdSeqId } from '../unionpay/pay-password.ts'
import type { NoticeOutcome, PayPwdRecord, PayPwdRepo } from './repo.ts'

/** The sensitive actions the demo guards with the pay password, and how the page names them. */
export const PAY_PWD_PURPOSES = { withdraw: '提现到银行卡' } as const
export type PayPwdPurpose = keyof typeof PAY_PWD_PURPOSES

export interface PayPwdUser {
  openId: string
  accessToken: string | null
  accessExpiresAt: number | null
}

export interface PayPwdServiceOptions {
  repo: PayPwdRepo
  api: OpenApiDeps
  merchantId: string | undefined
  bizType: string | undefined
  /** `${PUBLIC_BASE_URL}/notify/unionpay/pay-password` */
  notifyUrl: string
  upPublicKey: KeyObject | null
}

export interface PayPwdView {
  bizOrderId: string
  purpose: string
  purposeName: string
  status: PayPwdRecord['status']
  verifiedAt: number | null
  usedAt: number | null
}

export const view = (r: PayPwdRecord): PayPwdView => ({
  bizOrderId: r.bizOrderId,
  purpose: r.purpose,
  purposeName: PAY_PWD_PURPOSES[r.purpose as PayPwdPurpose] ?? r.purpose,
  status: r.status,
  verifiedAt: r.verifiedAt,
  usedAt: r.usedAt,
})

export type NotificationResult =
  { ok: false; reason: 'signature' | 'incomplete' | 'no-key' } | { ok: true; outcome: NoticeOutcome }

/** 支付密码验证 end to end: transNo for the page, the 5.3.2 notification, the guarded action. */
export class PayPwdService {
  constructor(private readonly o: PayPwdServiceOptions) {}

  async start(
    user: PayPwdUser,
    purpose: PayPwdPurpose,
    clientIp: string | undefined,
  ): Promise<{ bizOrderId: string; transNo: string; bizType: string }> {
    const { merchantId, bizType } = this.o
    if (!merchantId || !bizType) {
      throw new DomainError(
        'unavailable',
        'PAY_PWD_NOT_CONFIGURED',
        '支付密码验证未配置：请设置 UNIONPAY_PAYPWD_MERCHANT_ID 和 UNIONPAY_PAYPWD_BIZ_TYPE',
      )
    }
    if (!this.o.upPublicKey)
      throw new DomainError(
        'unavailable',
        'PAY_PWD_NOT_CONFIGURED',
        '支付密码验证结果通知需要验签：请设置 UNIONPAY_PUBLIC_KEY',
      )
    if (!user.accessToken || !user.accessExpiresAt || user.accessExpiresAt <= this.o.api.clock()) {
      throw new DomainError(
        'unauthenticated',
        'ACCESS_TOKEN_EXPIRED',
        '云闪付授权已过期（有效期 1 小时），请重新登录后再验证支付密码',
      )
    }
    const bizOrderId = newTransNumber(this.o.api.clock())
    // Written before the call: a crash leaves a `requested` row, never an untracked transNo.
    await this.o.repo.create({ bizOrderId, appId: this.o.api.appId, openId: user.openId, purpose, bizType, merchantId })
    try {
      const { transNo } = await requestPayPwdSeqId(this.o.api, {
        openId: user.openId,
        accessToken: user.accessToken,
        bizOrderId,
        bizType,
        merchantId,
        notifyUrl: this.o.notifyUrl,
        clientIp: clientIp && isIP(clientIp) ? clientIp : undefined,
      })
      await this.o.repo.issued(bizOrderId, transNo)
      return { bizOrderId, transNo, bizType }
    } catch (err) {
      await this.o.repo.failed(bizOrderId, err instanceof Error ? err.message : String(err))
      throw err
    }
  }

  async status(bizOrderId: string, openId: string): Promise<PayPwdView> {
    const r = await this.o.repo.find(bizOrderId)
    if (!r || r.openId !== openId) throw new DomainError('not_found', 'PAY_PWD_NOT_FOUND', '没有这笔支付密码验证')
    return view(r)
  }

  /** Spends a verified verification on its action, once. */
  async use(bizOrderId: string, openId: string): Promise<PayPwdView> {
    const r = await this.o.repo.find(bizOrderId)
    if (!r || r.openId !== openId) throw new DomainError('not_found', 'PAY_PWD_NOT_FOUND', '没有这笔支付密码验证')
    if (await this.o.repo.use(bizOrderId, openId)) return this.status(bizOrderId, openId)
    const now = await this.o.repo.find(bizOrderId)
    if (now?.status === 'used')
      throw new DomainError('conflict', 'PAY_PWD_ALREADY_USED', '这次支付密码验证已经用过，请重新验证')
    if (now?.status === 'failed')
      throw new DomainError('conflict', 'PAY_PWD_FAILED', '这次支付密码验证没有成功发起，请重新验证')
    throw new DomainError('conflict', 'PAY_PWD_NOT_VERIFIED', '尚未收到云闪付的支付密码验证结果，请稍候或重新验证')
  }

  async notification(params: Record<string, string>): Promise<NotificationResult> {
    if (!this.o.upPublicKey) return { ok: false, reason: 'no-key' }
    const checked = checkPayPwdNotification(params, this.o.upPublicKey)
    if (!checked.ok) return checked
    return { ok: true, outcome: await this.o.repo.applyNotice(checked.notification) }
  }
}
