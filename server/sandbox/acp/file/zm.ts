import { zipSync, zlibSync } from 'fflate'
import { beijingCompact, parseBeijingCompact } from '../../crypto/time.ts'
import type { SandboxTxn } from '../state.ts'

/**
 * The sandbox's own writer of the daily reconciliation archive (never production's reader): a
 * zip holding `INN{yyMMdd}88ZM_{merId}`, the 全渠道商户一般交易明细流水文件 — one line per cleared
 * transaction, 42 fixed-width fields separated by one space, CRLF, as in UnionPay's public sample
 * archive (docs/reconcile.md). Only ASCII is written, which is also GBK.
 */

/** [width, field] in file order; the values the sandbox fills are in `fields` below. */
const WIDTHS = [
  3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6, 2, 4, 32, 1, 21, 15, 1, 15, 32, 13, 13,
  8, 32, 13, 13, 12, 2, 1, 32, 98,
] as const

/** Money-moving txnTypes cleared through the file: consume, void, refund, pre-auth completion and its void. */
const CLEARED_TYPES = new Set(['01', '31', '04', '03', '33'])
/** Merchant fee the sandbox charges: 0.6 % (the public sample's ratio). */
const FEE_RATE = 0.006

/** The settle day (YYYYMMDD) of a txnTime: the clearing day ends at 23:00 Beijing (seed 001). */
export function settleDateOf(txnTime: string): string {
  return beijingCompact(parseBeijingCompact(txnTime) + 3600_000).slice(0, 8)
}

/** The epoch ms of a settle day's 23:00 Beijing cut-off. */
export function cutOffOf(settleDate: string): number {
  return parseBeijingCompact(`${settleDate}230000`)
}

export interface FileOptions {
  /** Left out of the file (a transaction UnionPay did not clear). */
  omit: Set<string>
  /** orderId → the amount the file states instead. */
  amend: Map<string, number>
  /** Write card numbers in full (some files do): the merchant must mask them itself. */
  fullCardNumbers: boolean
  /** 1-based line whose 交易金额 is written as letters (a malformed file). */
  corruptLine: number | null
  /** Consumes the file lists although the merchant never sent them (12:00 of their settle day). */
  planted: { orderId: string; txnAmt: number; settleDate: string; queryId: string }[]
}

export const emptyFileOptions = (): FileOptions => ({
  omit: new Set(),
  amend: new Map(),
  fullCardNumbers: false,
  corruptLine: null,
  planted: [],
})

function plantedTxn(p: FileOptions['planted'][number], merId: string): SandboxTxn {
  return {
    kind: 'app_consume',
    merId,
    orderId: p.orderId,
    txnTime: `${p.settleDate}120000`,
    txnType: '01',
    txnSubType: '01',
    bizType: '000201',
    txnAmt: p.txnAmt,
    queryId: p.queryId,
    status: 'success',
    respCode: '00',
    respMsg: '成功',
    backUrl: '',
    reqReserved: '',
    refundedAmt: 0,
    voided: false,
    notified: true,
    notifyAttempts: 0,
    dropNotify: true,
  }
}

const amount = (fen: number, width: number) => String(fen).padStart(width, '0')
const signed = (sign: 'C' | 'D', fen: number) => `${sign}${amount(fen, 12)}`

function line(t: SandboxTxn, pan: string, o: FileOptions, origOrderId: string): string {
  const txnAmt = o.amend.get(t.orderId) ?? t.txnAmt
  const fee = Math.round(txnAmt * FEE_RATE)
  const credit = t.txnType === '01' || t.txnType === '03'
  const card = o.fullCardNumbers ? pan : `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`
  const fields = [
    credit ? 'S56' : 'S30',
    '48029900',
    '00049990',
    t.queryId.slice(-6),
    t.txnTime.slice(4),
    card,
    amount(txnAmt, 12),
    '5311',
    '08',
    t.queryId,
    '01',
    t.orderId,
    '01',
    '',
    '',
    signed(credit ? 'D' : 'C', fee),
    signed(credit ? 'C' : 'D', txnAmt - fee),
    '0001',
    '',
    t.txnType,
    t.txnSubType,
    t.bizType,
    '01',
    '',
    '',
    '',
    t.origQryId ?? '',
    t.merId,
    '',
    '000000000000000',
    '',
    ` ${amount(0, 12)}`,
    signed(credit ? 'C' : 'D', txnAmt - fee),
    '01080209',
    '',
    ` ${amount(0, 12)}`,
    ` ${amount(0, 12)}`,
    ` ${amount(0, 11)}`,
    '',
    '7',
    origOrderId,
    '',
  ]
  return fields.map((v, i) => v.padEnd(WIDTHS[i]!, ' ').slice(0, WIDTHS[i])).join(' ')
}

/** A sandbox card number for a transaction that carries none (contract charges, tn payments). */
const SANDBOX_PAN = '6216610200016587010'

/**
 * The archive for `settleDate` (YYYYMMDD) of `merId`: every transaction the sandbox processed
 * successfully that day and that moves money (reversed ones are gone), built from its own records.
 */
export function buildArchive(
  txns: Iterable<SandboxTxn>,
  merId: string,
  settleDate: string,
  o: FileOptions,
  panOf: (t: SandboxTxn) => string | undefined,
): { fileName: string; fileContent: string; lines: number } {
  const all = [...txns, ...o.planted.map((p) => plantedTxn(p, merId))]
  const byQueryId = new Map(all.map((t) => [t.queryId, t]))
  const lines = all
    .filter(
      (t) =>
        t.merId === merId &&
        t.status === 'success' &&
        !t.reversed &&
        CLEARED_TYPES.has(t.txnType) &&
        settleDateOf(t.txnTime) === settleDate &&
        !o.omit.has(t.orderId),
    )
    .sort((a, b) => a.txnTime.localeCompare(b.txnTime) || a.orderId.localeCompare(b.orderId))
    .map((t) => line(t, panOf(t) ?? SANDBOX_PAN, o, t.origQryId ? (byQueryId.get(t.origQryId)?.orderId ?? '') : ''))
  if (o.corruptLine !== null && lines[o.corruptLine - 1] !== undefined)
    lines[o.corruptLine - 1] = lines[o.corruptLine - 1]!.replace(/^(.{66})\d{12}/, '$1AMOUNT000000')
  const text = lines.map((l) => `${l}\r\n`).join('')
  const zm = `INN${settleDate.slice(2)}88ZM_${merId}`
  const zip = zipSync({ [zm]: new TextEncoder().encode(text) })
  return {
    fileName: `${merId}_${settleDate}.zip`,
    fileContent: Buffer.from(zlibSync(zip)).toString('base64'),
    lines: lines.length,
  }
}
