import type { ReconcileFindingKind, ReconcileFindingView } from '@common/api'

/** What a merchant reads for each finding (docs/reconcile.md). */
export const FINDING_TEXT: Record<ReconcileFindingKind, string> = {
  MATCHED: '一致',
  SETTLED_SUCCESS: '结果未明 → 按对账文件记为成功',
  SETTLED_FAILED: '结果未明 → 对账文件无此交易，记为失败',
  AWAITING_NEXT_FILE: '等待次日对账文件',
  MISSING_LOCALLY: '本地无此订单',
  MISSING_IN_FILE: '对账文件缺少此交易',
  AMOUNT_DIFFERS: '金额不符',
  STATUS_DIFFERS: '状态不符（本地失败，银联已清算）',
}

export const TXN_TYPE_TEXT: Record<string, string> = {
  '01': '消费',
  '31': '消费撤销',
  '04': '退货',
  '03': '预授权完成',
  '33': '预授权完成撤销',
}

export type FindingGroup = 'mismatch' | 'settled' | 'waiting' | 'matched'

export function groupOf(kind: ReconcileFindingKind): FindingGroup {
  if (kind === 'MATCHED') return 'matched'
  if (kind === 'SETTLED_SUCCESS' || kind === 'SETTLED_FAILED') return 'settled'
  if (kind === 'AWAITING_NEXT_FILE') return 'waiting'
  return 'mismatch'
}

/** Findings in the order a person should read them: differences, then what the file settled, then the rest. */
export function grouped(items: readonly ReconcileFindingView[]): Record<FindingGroup, ReconcileFindingView[]> {
  const out: Record<FindingGroup, ReconcileFindingView[]> = { mismatch: [], settled: [], waiting: [], matched: [] }
  for (const i of items) out[groupOf(i.kind)].push(i)
  return out
}

/** `20261130` → `2026-11-30` */
export function formatSettleDate(d: string): string {
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`
}

/** The settle day whose 23:00 (Beijing) cut-off is the latest before `now`, as YYYYMMDD. */
export function lastClosedSettleDate(now: number): string {
  const b = new Date(now + 8 * 3600_000)
  if (b.getUTCHours() < 23) b.setUTCDate(b.getUTCDate() - 1)
  return b.toISOString().slice(0, 10).replaceAll('-', '')
}
