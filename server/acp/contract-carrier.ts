import { braceValue } from './message.ts'

/**
 * How a 无感支付 contract is carried in the 全渠道 back-end consume. The seeds name the
 * transaction (seed 000 发起消费交易) but not its fields, and no public source we found shows
 * them; this is our choice, modelled on the public 无跳转 token payment (bizType 000902 with the
 * token in `tokenPayData`). Change it here and only here. See docs/acp.md §Contract charging.
 */
export const CONTRACT_CONSUME = {
  txnType: '01',
  txnSubType: '01',
  bizType: '000902',
  channelType: '08',
} as const

export function contractFields(contractId: string): Record<string, string> {
  return { tokenPayData: braceValue({ token: contractId }) }
}
