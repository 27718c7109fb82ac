/**
 * How sure we are about the outcome of a call that did not succeed:
 * - `rejected`: 银商 definitely did not do it (safe to mark a refund failed, show the reason);
 * - `indeterminate`: it may or may not have happened (TIMEOUT, NET_ERROR, UNKNOWN, our own
 *   network failure...): never mark anything failed, find out later by querying.
 */
export type ChinaumsErrorKind = 'rejected' | 'indeterminate'

interface CodeInfo {
  meaning: string
  kind: ChinaumsErrorKind
}

/** Seed 004, 2.1 平台错误码 (plus HAS_CANCELLED from the 1.5 example). */
export const CHINAUMS_CODES: Readonly<Record<string, CodeInfo>> = {
  INTERNAL_ERROR: { meaning: '银商内部错误', kind: 'indeterminate' },
  BAD_REQUEST: { meaning: '请求报文有错', kind: 'rejected' },
  NO_SERVICE: { meaning: '没有能处理请求的服务', kind: 'rejected' },
  TIMEOUT: { meaning: '处理超时', kind: 'indeterminate' },
  NO_ORDER: { meaning: '找不到原始订单', kind: 'rejected' },
  OPERATION_NOT_ALLOWED: { meaning: '当前不允许此操作', kind: 'rejected' },
  TARGET_FAIL: { meaning: '支付渠道方业务失败', kind: 'rejected' },
  DUP_ORDER: { meaning: '重复的订单请求', kind: 'rejected' },
  NET_ERROR: { meaning: '与支付渠道通讯出问题', kind: 'indeterminate' },
  NO_MERCHANT: { meaning: '找不到请求指定的商户', kind: 'rejected' },
  ORDER_PROCESSING: { meaning: '订单正在处理中，请稍后再试', kind: 'indeterminate' },
  INACTIVE_MERCHANT: { meaning: '商户已被冻结', kind: 'rejected' },
  ABNORMAL_REQUEST_TIME: { meaning: '请求时间异常', kind: 'rejected' },
  TXN_DISCARDED: { meaning: '系统负载过大，交易被丢弃', kind: 'rejected' },
  BAD_SIGN: { meaning: '签名错误', kind: 'rejected' },
  INVALID_MSGSRC: { meaning: '商户来源错误', kind: 'rejected' },
  INVALID_ORDER: { meaning: '订单信息异常，请先查询订单', kind: 'rejected' },
  NO_CROSS_DAY_TRADING: { meaning: '不允许跨日交易', kind: 'rejected' },
  DENIED_IP: { meaning: 'IP 不在白名单中', kind: 'rejected' },
  INVLID_MERCHANT_CONFIG: { meaning: '商户配置参数错误', kind: 'rejected' },
  INVALID_RESPONSE: { meaning: '支付渠道应答无效', kind: 'indeterminate' },
  HAS_CANCELLED: { meaning: '该笔担保交易已撤销', kind: 'rejected' },
  UNKNOWN: { meaning: '结果不明确', kind: 'indeterminate' },
}

/** A 银商 call that did not answer `errCode: SUCCESS` (or did not answer at all). */
export class ChinaumsError extends Error {
  readonly kind: ChinaumsErrorKind
  readonly meaning: string

  constructor(
    readonly api: string,
    /** The platform's errCode, or our own `TIMEOUT` / `NET_ERROR` / `PROTOCOL` when the call failed on our side. */
    readonly errCode: string,
    readonly errMsg: string,
    kind?: ChinaumsErrorKind,
  ) {
    const info = CHINAUMS_CODES[errCode]
    super(`${api}: ${errCode}${errMsg ? ` ${errMsg}` : ''}`)
    this.name = 'ChinaumsError'
    this.meaning = info?.meaning ?? '未知错误码'
    // An errCode we do not know is treated as "outcome unknown": never conclude failure from it.
    this.kind = kind ?? info?.kind ?? 'indeterminate'
  }

  get indeterminate(): boolean {
    return this.kind === 'indeterminate'
  }
}
