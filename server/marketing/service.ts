import { DomainError } from '../errors.ts'
import {
  draw,
  giveRedPacket,
  selectQualifications,
  selectRedPacketAccount,
  sendQualification,
  type DrawResult,
  type Qualification,
  type Qualifier,
  type RedPacketAccount,
} from '../unionpay/marketing.ts'
import type { PushInput } from '../unionpay/msg-push.ts'
import { beijingStamp, newTransNumber, type OpenApiDeps } from '../unionpay/open-api.ts'
import type { MarketingKind, MarketingRepo } from './repo.ts'

/** What the marketing routes use: the service and the push (5.5) bound to the app's 安全域名. */
export interface MarketingModule {
  service: MarketingService
  push(input: PushInput): Promise<void>
}

export interface MarketingServiceOptions {
  repo: MarketingRepo
  api: OpenApiDeps
  insAcctId: string | undefined
  qualNum: string | undefined
  activityNumber: string | undefined
}

export interface GiveResult {
  transNumber: string
  amount: number
  balanceBefore: number
  balanceAfter: number
  /** The balance dropped by the amount: 附录十 note 1 says a success answer alone does not prove it. */
  confirmed: boolean
}

/** How long a granted chance stays valid. */
const GRANT_DAYS = 30

/** 红包 and 抽奖 for the demo: the merchant gives and grants, the user draws. */
export class MarketingService {
  constructor(private readonly o: MarketingServiceOptions) {}

  private need<K extends 'insAcctId' | 'qualNum' | 'activityNumber'>(key: K, env: string): string {
    const v = this.o[key]
    if (!v)
      throw new DomainError(
        'unavailable',
        'MARKETING_NOT_CONFIGURED',
        `红包/抽奖未配置：请设置 ${env}（附录十 接入流程）`,
      )
    return v
  }

  private qualifier(openId: string): Qualifier {
    return { qualNum: this.need('qualNum', 'UNIONPAY_QUAL_NUM'), qualType: 'open_id', qualValue: openId }
  }

  /** Records the operation before the call and its outcome after it. */
  private async recorded<T>(
    kind: MarketingKind,
    openId: string,
    amount: number | null,
    fn: (transNumber: string) => Promise<T>,
  ): Promise<T> {
    const transNumber = newTransNumber(this.o.api.clock())
    await this.o.repo.requested(transNumber, kind, openId, amount)
    try {
      const result = await fn(transNumber)
      await this.o.repo.done(transNumber, result)
      return result
    } catch (err) {
      await this.o.repo.failed(transNumber, err instanceof Error ? err.message : String(err))
      throw err
    }
  }

  async balance(): Promise<RedPacketAccount> {
    return selectRedPacketAccount(this.o.api, {
      insAcctId: this.need('insAcctId', 'UNIONPAY_INS_ACCT_ID'),
      transNumber: newTransNumber(this.o.api.clock()),
    })
  }

  async give(openId: string, amount: number, remark?: string): Promise<GiveResult> {
    const insAcctId = this.need('insAcctId', 'UNIONPAY_INS_ACCT_ID')
    const before = await this.balance()
    if (before.status !== '0')
      throw new DomainError(
        'conflict',
        'ACCOUNT_UNAVAILABLE',
        `机构账户状态异常（acctSt ${before.status}），暂不能赠送红包`,
      )
    if (before.balance < amount) {
      throw new DomainError(
        'conflict',
        'BALANCE_TOO_LOW',
        `机构账户余额 ${(before.balance / 100).toFixed(2)} 元，不足以赠送 ${(amount / 100).toFixed(2)} 元`,
        {
          balance: before.balance,
        },
      )
    }
    const transNumber = await this.recorded('give', openId, amount, async (tn) => {
      await giveRedPacket(this.o.api, { insAcctId, transNumber: tn, openId, amount, remark })
      return tn
    })
    const after = await this.balance()
    return {
      transNumber,
      amount,
      balanceBefore: before.balance,
      balanceAfter: after.balance,
      confirmed: after.balance <= before.balance - amount,
    }
  }

  async chances(openId: string): Promise<Qualification[]> {
    return selectQualifications(this.o.api, this.qualifier(openId))
  }

  async grant(openId: string, count: number): Promise<Qualification[]> {
    const now = this.o.api.clock()
    const startDate = beijingStamp(now).date
    const endDate = beijingStamp(now + GRANT_DAYS * 86_400_000).date
    await this.recorded('grant', openId, count, (transNumber) =>
      sendQualification(this.o.api, { ...this.qualifier(openId), count, transNumber, startDate, endDate }),
    )
    return this.chances(openId)
  }

  async draw(openId: string): Promise<DrawResult> {
    const activityNumber = this.need('activityNumber', 'UNIONPAY_ACTIVITY_NUMBER')
    return this.recorded('draw', openId, null, (transNumber) =>
      draw(this.o.api, { ...this.qualifier(openId), activityNumber, transNumber }),
    )
  }
}
