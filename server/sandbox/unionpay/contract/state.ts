import { randomInt } from 'node:crypto'

/** The sandbox's 签约模板 table (what 附录1 of the product manual asks a partner to fill in). */
export interface SandboxPlan {
  planId: string
  title: string
  content: string
  /** 单用户单笔限额 / 单日限额, as shown on the sign page. */
  singleLimit: string
  dailyLimit: string
}

export const SANDBOX_PLANS: readonly SandboxPlan[] = [
  {
    planId: 'PLAN0001',
    title: '公交地铁 先乘车后付费',
    content: '乘车后按实际车费自动扣款，无需输入密码',
    singleLimit: '200.00 元',
    dailyLimit: '500.00 元',
  },
  {
    planId: 'PLAN0002',
    title: '无感停车',
    content: '车辆离场时自动扣缴停车费',
    singleLimit: '500.00 元',
    dailyLimit: '1000.00 元',
  },
]

export interface SandboxContract {
  contractId: string
  /** The contractCode of the apply that created it, and of any apply that found it already signed. */
  contractCodes: string[]
  appId: string
  openId: string
  planId: string
  /** contract.info's contractStatus: 1 signed, 3 relieved. */
  status: '1' | '3'
  signedAt: number
  relievedAt: number | null
  relievedBy: 'partner' | 'cloudpay' | null
}

export interface SentNotification {
  at: number
  contractId: string
  method: 'GET' | 'POST'
  params: Record<string, string>
  httpStatus: number | null
  answer: string
}

/** What the simulated platform remembers about 无感支付. */
export class SandboxContracts {
  readonly contracts = new Map<string, SandboxContract>()
  /** contract.status's `enable` per openId (a string: tests may make it non-numeric). */
  readonly unfinished = new Map<string, string>()
  /** One scripted failure per API, spent by the next call. */
  readonly failNext = new Map<string, { resp: string; msg: string }>()
  readonly notifications: SentNotification[] = []
  /** When false every contract.* API answers N62131 (the app lacks 无感支付 permission). */
  permitted = true

  newContractId(): string {
    for (;;) {
      let id = '62184'
      for (let i = 0; i < 14; i++) id += String(randomInt(10))
      if (!this.contracts.has(id)) return id
    }
  }

  find(openId: string, planId: string, status?: '1' | '3'): SandboxContract | undefined {
    let found: SandboxContract | undefined
    for (const c of this.contracts.values()) {
      if (c.openId === openId && c.planId === planId && (!status || c.status === status)) {
        if (!found || c.signedAt >= found.signedAt) found = c
      }
    }
    return found
  }
}
