/**
 * The 全渠道商户一般交易明细流水文件 ("ZM" file) inside the daily reconciliation archive: one
 * transaction per line, GBK text, CRLF, fixed-width fields separated by one space. The layout
 * (widths, order, meanings) and the sample it was checked against are cited in docs/reconcile.md.
 */

/** [key, width in bytes, the specification's name]. Only the first 41 are read; the 42nd is reserved. */
export const ZM_LAYOUT = [
  ['tradeCode', 3, '交易代码'],
  ['acqInsCode', 11, '代理机构标识码'],
  ['sendInsCode', 11, '发送机构标识码'],
  ['traceNo', 6, '系统跟踪号'],
  ['traceTime', 10, '交易传输时间'],
  ['accNo', 19, '帐号'],
  ['txnAmt', 12, '交易金额'],
  ['merCatCode', 4, '商户类别'],
  ['termType', 2, '终端类型'],
  ['queryId', 21, '查询流水号'],
  ['oldPayType', 2, '支付方式（旧）'],
  ['orderId', 32, '商户订单号'],
  ['payCardType', 2, '支付卡类型'],
  ['origTraceNo', 6, '原始交易的系统跟踪号'],
  ['origTraceTime', 10, '原始交易日期时间'],
  ['fee', 13, '商户手续费'],
  ['settleAmt', 13, '结算金额'],
  ['payType', 4, '支付方式'],
  ['groupMerId', 15, '集团商户代码'],
  ['txnType', 2, '交易类型'],
  ['txnSubType', 2, '交易子类'],
  ['bizType', 6, '业务类型'],
  ['accType', 2, '帐号类型'],
  ['billType', 4, '账单类型'],
  ['billNo', 32, '账单号码'],
  ['interactMode', 1, '交互方式'],
  ['origQryId', 21, '原交易查询流水号'],
  ['merId', 15, '商户代码'],
  ['splitType', 1, '分账入账方式'],
  ['subMerId', 15, '二级商户代码'],
  ['subMerAbbr', 32, '二级商户简称'],
  ['subMerAmt', 13, '二级商户分账入账金额'],
  ['netAmt', 13, '清算净额'],
  ['termId', 8, '终端号'],
  ['merReserved', 32, '商户自定义域'],
  ['discountAmt', 13, '优惠金额'],
  ['invoiceAmt', 13, '发票金额'],
  ['instalmentFee', 12, '分期付款附加手续费'],
  ['instalmentCount', 2, '分期付款期数'],
  ['txnMedium', 1, '交易介质'],
  ['origOrderId', 32, '原始交易订单号'],
] as const

type ZmKey = (typeof ZM_LAYOUT)[number][0]

/** Byte offset of the reserved tail (保留使用): every line is at least this long. */
export const ZM_FIXED_BYTES = ZM_LAYOUT.reduce((n, [, w]) => n + w + 1, 0)
/** The reserved tail is 98 bytes in the published layout; newer files split it. Longer lines are refused. */
const MAX_LINE_BYTES = ZM_FIXED_BYTES + 200

/** One transaction of the file, as the reconciliation uses it. Card numbers are masked. */
export interface ZmRecord {
  line: number
  tradeCode: string
  /** MMDDhhmmss */
  traceTime: string
  /** Masked (first 6, `*`, last 4) whatever the file carried. */
  accNoMasked: string
  /** 分 */
  txnAmt: number
  queryId: string
  orderId: string
  txnType: string
  txnSubType: string
  bizType: string
  origQryId: string
  merId: string
  /** 分, signed: C (credit to the merchant) positive, D negative. */
  fee: number
  settleAmt: number
}

export class ZmFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`对账文件第 ${line} 行：${message}`)
    this.name = 'ZmFormatError'
  }
}

const gbk = new TextDecoder('gbk', { fatal: true })

/** First 6 and last 4 characters kept, the middle `*`: never more of a card number than that. */
export function maskCardNo(value: string): string {
  if (value.length <= 10) return `${'*'.repeat(Math.max(0, value.length - 4))}${value.slice(-4)}`
  return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`
}

const RULES: Partial<Record<ZmKey, [RegExp, string]>> = {
  tradeCode: [/^[0-9A-Z]{3}$/, '须为 3 位字母或数字'],
  traceTime: [/^\d{10}$/, '须为 10 位数字（MMDDhhmmss）'],
  accNo: [/^[0-9*]{0,19}$/, '只能是数字或 *'],
  txnAmt: [/^\d{12}$/, '须为 12 位数字（分）'],
  queryId: [/^\d{21}$/, '须为 21 位数字'],
  orderId: [/^[0-9A-Za-z]{1,32}$/, '须为 1-32 位字母或数字'],
  fee: [/^[CD ]\d{12}$/, '须为 C/D/空格 加 12 位数字'],
  settleAmt: [/^[CD ]\d{12}$/, '须为 C/D/空格 加 12 位数字'],
  txnType: [/^\d{2}$/, '须为 2 位数字'],
  txnSubType: [/^\d{2}$/, '须为 2 位数字'],
  bizType: [/^\d{6}$/, '须为 6 位数字'],
  origQryId: [/^(\d{21})?$/, '须为空或 21 位数字'],
  merId: [/^[0-9A-Za-z]{15}$/, '须为 15 位商户代码'],
}

const signed = (v: string) => (v.startsWith('D') ? -1 : 1) * Number(v.slice(1))

/** Cuts one line (its bytes) into trimmed fields; checks separators and every field rule. */
function parseLine(bytes: Uint8Array, line: number): ZmRecord {
  if (bytes.length < ZM_FIXED_BYTES || bytes.length > MAX_LINE_BYTES)
    throw new ZmFormatError(line, `长度 ${bytes.length} 字节，应为 ${ZM_FIXED_BYTES}–${MAX_LINE_BYTES} 字节`)
  const f = {} as Record<ZmKey, string>
  let at = 0
  for (const [key, width, name] of ZM_LAYOUT) {
    let text: string
    try {
      text = gbk.decode(bytes.subarray(at, at + width))
    } catch {
      throw new ZmFormatError(line, `${name}不是 GBK 文本`)
    }
    if (bytes[at + width] !== 0x20)
      throw new ZmFormatError(line, `${name}之后缺少分隔空格（第 ${at + width + 1} 字节）`)
    // Amount fields put their sign in the first byte (C/D or a space): keep it.
    const value = key === 'fee' || key === 'settleAmt' ? text.trimEnd() : text.trim()
    const rule = RULES[key]
    if (rule && !rule[0].test(value))
      throw new ZmFormatError(line, `${name}“${key === 'accNo' ? '…' : value}”${rule[1]}`)
    f[key] = value
    at += width + 1
  }
  return {
    line,
    tradeCode: f.tradeCode,
    traceTime: f.traceTime,
    accNoMasked: maskCardNo(f.accNo),
    txnAmt: Number(f.txnAmt),
    queryId: f.queryId,
    orderId: f.orderId,
    txnType: f.txnType,
    txnSubType: f.txnSubType,
    bizType: f.bizType,
    origQryId: f.origQryId,
    merId: f.merId,
    fee: signed(f.fee),
    settleAmt: signed(f.settleAmt),
  }
}

/**
 * Parses a whole ZM file. Lines end with CRLF (LF accepted); a final empty line is allowed, an
 * empty line elsewhere is an error. Any bad line throws a ZmFormatError naming it: nothing is
 * returned from a file with one bad line. Duplicate (orderId, txnType) pairs are refused.
 */
export function parseZmFile(content: Uint8Array): ZmRecord[] {
  const out: ZmRecord[] = []
  const seen = new Map<string, number>()
  let start = 0
  let line = 0
  while (start < content.length) {
    line++
    let end = content.indexOf(0x0a, start)
    if (end < 0) end = content.length
    const stop = end > start && content[end - 1] === 0x0d ? end - 1 : end
    const bytes = content.subarray(start, stop)
    start = end + 1
    if (bytes.length === 0) {
      if (start >= content.length) break
      throw new ZmFormatError(line, '空行')
    }
    const r = parseLine(bytes, line)
    const key = `${r.orderId}/${r.txnType}`
    const before = seen.get(key)
    if (before !== undefined)
      throw new ZmFormatError(line, `商户订单号 ${r.orderId}（交易类型 ${r.txnType}）与第 ${before} 行重复`)
    seen.set(key, line)
    out.push(r)
  }
  return out
}
