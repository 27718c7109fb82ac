/**
 * `respCode` classes (docs/acp.md §respCode): `00` success; `03` 交易通讯超时, `04` 交易状态未明,
 * `05` 交易已受理 → outcome unknown, find out by notification or query; anything else is a
 * refusal. The texts are UnionPay's public respCode list.
 */
export type Outcome = 'success' | 'refused' | 'unknown'

const UNKNOWN = new Set(['03', '04', '05'])

export function classify(respCode: string | undefined): Outcome {
  if (respCode === '00' || respCode === 'A6') return 'success'
  if (respCode === undefined || UNKNOWN.has(respCode)) return 'unknown'
  return 'refused'
}

export const RESP_MESSAGES: Readonly<Record<string, string>> = {
  '00': '成功',
  A6: '部分成功',
  '01': '交易失败。详情请咨询95516',
  '02': '系统未开放或暂时关闭，请稍后再试',
  '03': '交易通讯超时，请发起查询交易',
  '04': '交易状态未明，请查询对账结果',
  '05': '交易已受理，请稍后查询交易结果',
  '06': '系统繁忙，请稍后再试',
  '10': '报文格式错误',
  '11': '验证签名失败',
  '12': '重复交易',
  '13': '报文交易要素缺失',
  '14': '批量文件格式错误',
  '30': '交易未通过，请尝试使用其他银联卡支付或联系95516',
  '31': '商户状态不正确',
  '32': '无此交易权限',
  '33': '交易金额超限',
  '34': '查无此交易',
  '35': '原交易不存在或状态不正确',
  '36': '与原交易信息不符',
  '37': '已超过最大查询次数或操作过于频繁',
  '38': '银联风险受限',
  '39': '交易不在受理时间范围内',
  '40': '绑定关系检查失败',
  '42': '扣款成功但交易超过规定支付时间',
  '43': '无此业务权限，详情请咨询95516',
  '45': '原交易已被成功退货或已被成功撤销',
  '60': '交易失败，详情请咨询您的发卡行',
  '61': '输入的卡号无效，请确认后输入',
  '63': '卡状态不正确',
  '64': '卡上的余额不足',
  '65': '输入的密码、有效期或CVN2有误，交易失败',
  '78': '发卡行交易权限受限，详情请咨询您的发卡行',
}

export function respMessage(code: string): string {
  return RESP_MESSAGES[code] ?? '交易失败'
}
