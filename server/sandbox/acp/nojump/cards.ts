/**
 * The sandbox's test cards: what the simulated issuing banks know. The numbers are the public
 * test cards of UnionPay's 无跳转 (token) demos and 全渠道 samples; phones, CVN2 and expiry are
 * the sandbox's own. Expiry is YYMM (the form 全渠道 carries it in, year first).
 */
export interface TestCard {
  pan: string
  kind: 'credit' | 'debit'
  bank: string
  phone: string
  /** Credit cards only. */
  cvn2?: string
  expired?: string
  /** 分 available; a consume above it is refused with `64`. */
  balance: number
}

export const TEST_CARDS: readonly TestCard[] = [
  {
    pan: '6226388000000095',
    kind: 'credit',
    bank: '沙箱信用卡银行',
    phone: '18100000000',
    cvn2: '248',
    expired: '3012',
    balance: 5_000_000,
  },
  { pan: '6216261000000000018', kind: 'debit', bank: '沙箱借记卡银行', phone: '13552535506', balance: 2_000_000 },
  {
    pan: '6226090000000048',
    kind: 'credit',
    bank: '沙箱信用卡银行',
    phone: '18100000001',
    cvn2: '123',
    expired: '3106',
    balance: 100,
  },
]

export function findCard(pan: string): TestCard | undefined {
  return TEST_CARDS.find((c) => c.pan === pan)
}

/** 622638******0095: first 6 and last 4, the rest starred (what the sandbox answers as accNo). */
export function maskPan(pan: string): string {
  return `${pan.slice(0, 6)}${'*'.repeat(Math.max(0, pan.length - 10))}${pan.slice(-4)}`
}
