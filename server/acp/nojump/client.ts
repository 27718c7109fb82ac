import { ACP_PATHS, type AcpAnswer, type AcpClient, type OrderRef, type ReversalRequest } from '../client.ts'
import type { AcpFields } from '../message.ts'
import { customerInfo, TOKEN_BIZ_TYPE, tokenPayData, type Holder } from './fields.ts'

/** Mobile H5 (the kit's pages run on phones); the public demos send 07 (PC). */
const CHANNEL = '08'

export interface CardInput {
  /** Card number, digits only; encrypted before it leaves, never stored. */
  pan: string
  phone: string
  cvn2?: string
  expired?: string
}

/**
 * The 银联无跳转支付 (token) transactions on the 全渠道 client (same signing, verification,
 * encryption and respCode classes). One method per transaction; sources in docs/nojump.md.
 */
export class NojumpClient {
  constructor(
    private readonly acp: AcpClient,
    /** Token requestor id (`UNIONPAY_ACP_TR_ID`; the test environment's is 62000000001). */
    readonly trId: string,
  ) {}

  txnTime(): string {
    return this.acp.txnTime()
  }

  private back(fields: AcpFields): Promise<AcpAnswer> {
    return this.acp.call(ACP_PATHS.back, { bizType: TOKEN_BIZ_TYPE, channelType: CHANNEL, ...fields })
  }

  private encrypted(card: Partial<CardInput>, smsCode?: string): AcpFields {
    const enc = (plain: string) => this.acp.encrypt(plain).value
    const out: AcpFields = { encryptCertId: this.acp.encryptCertId() }
    if (card.pan) out.accNo = enc(card.pan)
    out.customerInfo = customerInfo(
      {
        ...(card.phone ? { phoneNo: card.phone } : {}),
        ...(card.cvn2 ? { cvn2: card.cvn2 } : {}),
        ...(card.expired ? { expired: card.expired } : {}),
        ...(smsCode ? { smsCode } : {}),
      } satisfies Holder,
      enc,
    )
    return out
  }

  /** 发送短信验证码 for 开通 (77/00): the card and its phone; the open reuses orderId and txnTime. */
  openSms(p: OrderRef & { card: CardInput }): Promise<AcpAnswer> {
    return this.back({
      txnType: '77',
      txnSubType: '00',
      orderId: p.orderId,
      txnTime: p.txnTime,
      tokenPayData: tokenPayData({ trId: this.trId, tokenType: '01' }),
      ...this.encrypted({ pan: p.card.pan, phone: p.card.phone }),
    })
  }

  /** 后台开通 (79/00): card, phone, CVN2/expiry (credit), SMS code; answers `tokenPayData`. */
  backOpen(p: OrderRef & { card: CardInput; smsCode: string }): Promise<AcpAnswer> {
    return this.back({
      txnType: '79',
      txnSubType: '00',
      orderId: p.orderId,
      txnTime: p.txnTime,
      tokenPayData: tokenPayData({ trId: this.trId, tokenType: '01' }),
      ...this.encrypted(p.card, p.smsCode),
    })
  }

  /**
   * 前台开通 (79/00 to frontTransReq): the buyer enters the card on the bank's page; the token
   * comes by the backUrl notification, the signed frontUrl result or 开通查询.
   */
  frontOpenForm(p: OrderRef & { frontUrl: string; backUrl: string; card?: CardInput }) {
    return this.acp.frontForm({
      txnType: '79',
      txnSubType: '00',
      bizType: TOKEN_BIZ_TYPE,
      channelType: CHANNEL,
      orderId: p.orderId,
      txnTime: p.txnTime,
      frontUrl: p.frontUrl,
      backUrl: p.backUrl,
      tokenPayData: tokenPayData({ trId: this.trId, tokenType: '01' }),
      ...(p.card ? this.encrypted(p.card) : {}),
    })
  }

  /** 开通并支付 (01/01/000902 to frontTransReq): one front transaction; the token by 79/05 afterwards. */
  openAndPayForm(p: OrderRef & { txnAmt: number; frontUrl: string; backUrl: string }) {
    return this.acp.frontForm({
      txnType: '01',
      txnSubType: '01',
      bizType: TOKEN_BIZ_TYPE,
      channelType: CHANNEL,
      orderId: p.orderId,
      txnTime: p.txnTime,
      txnAmt: String(p.txnAmt),
      currencyCode: '156',
      frontUrl: p.frontUrl,
      backUrl: p.backUrl,
      tokenPayData: tokenPayData({ trId: this.trId, tokenType: '01' }),
    })
  }

  /** 开通查询 (78/02): the token of a front-end open, by that open's orderId and txnTime. */
  openQuery(p: OrderRef): Promise<AcpAnswer> {
    return this.back({ txnType: '78', txnSubType: '02', orderId: p.orderId, txnTime: p.txnTime })
  }

  /** 订单号申请Token (79/05): the token of an open-and-pay, by its orderId and txnTime. */
  tokenByOrder(p: OrderRef): Promise<AcpAnswer> {
    return this.back({
      txnType: '79',
      txnSubType: '05',
      orderId: p.orderId,
      txnTime: p.txnTime,
      tokenPayData: tokenPayData({ trId: this.trId, tokenType: '01' }),
    })
  }

  /** 更新标记 (79/03): the holder's details again; answers the (new) `tokenPayData`. */
  updateToken(p: OrderRef & { token: string; holder: Omit<CardInput, 'pan'> }): Promise<AcpAnswer> {
    return this.back({
      txnType: '79',
      txnSubType: '03',
      orderId: p.orderId,
      txnTime: p.txnTime,
      tokenPayData: tokenPayData({ trId: this.trId, token: p.token, tokenType: '01' }),
      ...this.encrypted(p.holder),
    })
  }

  /** 解除标记 (74/01). */
  removeToken(p: OrderRef & { token: string }): Promise<AcpAnswer> {
    return this.back({
      txnType: '74',
      txnSubType: '01',
      orderId: p.orderId,
      txnTime: p.txnTime,
      tokenPayData: tokenPayData({ trId: this.trId, token: p.token }),
    })
  }

  /** 发送短信验证码 for 消费 (77/02): the consume must reuse orderId, txnTime and txnAmt. */
  consumeSms(p: OrderRef & { token: string; txnAmt: number }): Promise<AcpAnswer> {
    return this.back({
      txnType: '77',
      txnSubType: '02',
      orderId: p.orderId,
      txnTime: p.txnTime,
      txnAmt: String(p.txnAmt),
      currencyCode: '156',
      tokenPayData: tokenPayData({ trId: this.trId, token: p.token }),
    })
  }

  /** 消费 by token (01/01/000902) with the SMS code; `00` = accepted, the notification or a query settles. */
  consume(p: OrderRef & { token: string; txnAmt: number; smsCode: string; backUrl: string }): Promise<AcpAnswer> {
    return this.back({
      txnType: '01',
      txnSubType: '01',
      orderId: p.orderId,
      txnTime: p.txnTime,
      txnAmt: String(p.txnAmt),
      currencyCode: '156',
      backUrl: p.backUrl,
      tokenPayData: tokenPayData({ trId: this.trId, token: p.token }),
      ...this.encrypted({}, p.smsCode),
    })
  }

  /** 冲正 (99/01, bizType 000000): the ORIGINAL's orderId and txnTime; only for unknown outcomes, same window. */
  reverse(p: OrderRef): Promise<AcpAnswer> {
    return this.acp.call(ACP_PATHS.back, {
      txnType: '99',
      txnSubType: '01',
      bizType: '000000',
      channelType: CHANNEL,
      orderId: p.orderId,
      txnTime: p.txnTime,
    })
  }

  voidConsume(p: Omit<ReversalRequest, 'bizType'>): Promise<AcpAnswer> {
    return this.acp.voidConsume({ ...p, bizType: TOKEN_BIZ_TYPE })
  }

  refund(p: Omit<ReversalRequest, 'bizType'>): Promise<AcpAnswer> {
    return this.acp.refund({ ...p, bizType: TOKEN_BIZ_TYPE })
  }

  query(p: OrderRef): Promise<AcpAnswer> {
    return this.acp.query(p)
  }
}
