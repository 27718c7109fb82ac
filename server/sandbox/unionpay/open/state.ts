import { randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { SANDBOX_UNIONPAY } from '../../credentials.ts'

export interface PayPwdOrder {
  transNo: string
  bizOrderId: string
  openId: string
  bizType: string
  merchantId: string
  notifyUrl: string
  status: 'issued' | 'verified'
  issuedAt: number
}

export interface SentPayPwdNotification {
  at: number
  transNo: string
  url: string
  body: Record<string, string>
  httpStatus: number | null
  answer: string
}

export interface PushedMessage {
  at: number
  openId: string
  content: string
  url: string
}

export interface IndustryCard {
  openId: string
  cardModuleId: string
  bussCardNo: string
  cardSubTp: string
  region: string
  channelNo: string
  /** Decrypted by the sandbox (what 云闪付 would show on the card). */
  name: string
  certId: string
  mobileNo: string
}

export interface InstitutionAccount {
  /** acctSt as the sandbox sends it: 0 正常, 1 冻结 (the seed lists no values). */
  status: '0' | '1'
  /** 分 */
  balance: number
  validBegin: string
  validEnd: string
}

export interface Grant {
  start: string
  end: string
  count: number
}

export interface Activity {
  qualNum: string
  name: string
  /** 分 left to pay red-packet awards; a draw whose award exceeds it answers AM03051. */
  budget: number
  /** Red-packet awards drawn in turn (分); 0 = 未中奖; negative = a 商城券 of that many 张. */
  prizes: number[]
  next: number
}

/** Everything the simulated platform remembers for 5.3 and 5.5–5.8. */
export class SandboxOpenApis {
  readonly payPwd = new Map<string, PayPwdOrder>()
  readonly payPwdNotifications: SentPayPwdNotification[] = []
  /** How the next 5.3.2 notifications spell transNo: as the table does, or as the example (`" transNo"`). */
  payPwdKeyStyle: 'plain' | 'spaced' = 'plain'
  readonly pushes: PushedMessage[] = []
  /** Users who switched off messages from this app: new.msg.push answers resultCd 01 for them. */
  readonly pushOptOut = new Set<string>()
  readonly taxRefunds = new Map<string, { cardNo: string; cardType: string }>([
    ['TR20261130000001', { cardNo: '6222021234567890123', cardType: '1' }],
    ['TR20261130000002', { cardNo: '6259651234567890', cardType: '2' }],
  ])
  readonly industryCards = new Map<string, IndustryCard>()
  readonly accounts = new Map<string, InstitutionAccount>([
    [
      SANDBOX_UNIONPAY.insAcctId,
      { status: '0', balance: 100_000, validBegin: '20260101000000', validEnd: '20271231235959' },
    ],
  ])
  /** transNumbers already used per API (5.8 "确保唯一"). */
  readonly usedTransNumbers = new Map<string, Set<string>>()
  /** qualNum → "qualType:qualValue" → grants. */
  readonly pools = new Map<string, Map<string, Grant[]>>([[SANDBOX_UNIONPAY.qualNum, new Map()]])
  readonly activities = new Map<string, Activity>([
    [
      SANDBOX_UNIONPAY.activityNumber,
      { qualNum: SANDBOX_UNIONPAY.qualNum, name: 'upkit 演示抽奖', budget: 2_000, prizes: [888, 0, -1, 166], next: 0 },
    ],
  ])
  /** One scripted failure per API, spent by the next call. */
  readonly failNext = new Map<string, { resp: string; msg: string }>()

  constructor(
    /** The partner's public key on file (3.1 后台加解密公钥), for the RSA-signed APIs. */
    readonly partnerKey: KeyObject | null,
    readonly symmetricKey: string,
  ) {}

  newTransNo(): string {
    return randomBytes(16).toString('hex').toUpperCase()
  }

  /** Marks a transNumber used; false when it already was (a replayed request). */
  useTransNumber(api: string, transNumber: string): boolean {
    let s = this.usedTransNumbers.get(api)
    if (!s) this.usedTransNumbers.set(api, (s = new Set()))
    if (s.has(transNumber)) return false
    s.add(transNumber)
    return true
  }
}
