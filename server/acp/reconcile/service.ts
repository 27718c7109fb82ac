import { createHash } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { DomainError } from '../../errors.ts'
import { compactTimestamp } from '../../time.ts'
import type { AcpClient } from '../client.ts'
import { ArchiveError, decodeFileContent, zmEntry } from './archive.ts'
import { compare, isSettleDate, MISMATCH_KINDS, previousDay, settleWindow, type LocalTxn } from './compare.ts'
import { downloadReconciliationFile } from './file-transfer.ts'
import type { Reconciliation, ReconcileRepo } from './repo.ts'
import type { LocalSource } from './source.ts'
import { parseZmFile, ZmFormatError, type ZmRecord } from './zm-file.ts'

export interface ReconcileDeps {
  repo: ReconcileRepo
  client: AcpClient
  fileBaseUrl: string
  merId: string
  sources: readonly LocalSource[]
  clock: () => number
  log: FastifyBaseLogger
}

/** The settle day whose 23:00 (Beijing) cut-off is the latest one before `now`. */
export function lastClosedSettleDate(now: number): string {
  const beijing = compactTimestamp(now)
  const day = beijing.slice(0, 8)
  return beijing.slice(8) >= '230000' ? day : previousDay(day)
}

const invalidFile = (message: string, details?: Record<string, unknown>) =>
  new DomainError('upstream', 'RECON_FILE_INVALID', message, details)

/**
 * Daily reconciliation with the 全渠道 file (docs/reconcile.md): download (76), unpack, parse,
 * compare with every source, settle what stayed unknown, record mismatches — the whole verdict in
 * one transaction. A day is reconciled once: running it again returns the first report unchanged.
 */
export class ReconcileService {
  constructor(private readonly d: ReconcileDeps) {}

  get repo(): ReconcileRepo {
    return this.d.repo
  }

  async run(settleDate: string): Promise<{ reconciliation: Reconciliation; repeated: boolean }> {
    if (!isSettleDate(settleDate)) throw new DomainError('invalid', 'INVALID_INPUT', '清算日期须为 YYYYMMDD 格式的日期')
    const before = this.d.repo.get(settleDate)
    if (before) return { reconciliation: before, repeated: true }
    const file = await downloadReconciliationFile(this.d.client, this.d.fileBaseUrl, settleDate)
    const { zmName, records, sha256 } = this.unpack(settleDate, file.fileContent)
    const repeated = this.d.repo.atomic(() => this.apply(settleDate, file.fileName, zmName, sha256, records))
    const reconciliation = this.d.repo.get(settleDate) as Reconciliation
    if (!repeated)
      this.d.log.info(
        {
          settleDate,
          records: reconciliation.records,
          settled: reconciliation.settled,
          mismatches: reconciliation.mismatches,
        },
        'acp reconciliation done',
      )
    return { reconciliation, repeated }
  }

  /** Runs the last closed settle day when it has not been reconciled; 0 while its file is not ready. */
  async runDue(): Promise<number> {
    const day = lastClosedSettleDate(this.d.clock())
    if (this.d.repo.get(day)) return 0
    try {
      const { repeated } = await this.run(day)
      return repeated ? 0 : 1
    } catch (e) {
      if (e instanceof DomainError && e.code === 'RECON_FILE_NOT_READY') return 0
      throw e
    }
  }

  private unpack(settleDate: string, fileContent: string) {
    try {
      const zip = decodeFileContent(fileContent)
      const zm = zmEntry(zip, this.d.merId, settleDate)
      const records = parseZmFile(zm.content)
      const foreign = records.find((r) => r.merId !== this.d.merId)
      if (foreign) throw new ZmFormatError(foreign.line, `商户代码 ${foreign.merId} 不是本商户`)
      return { zmName: zm.name, records, sha256: createHash('sha256').update(zm.content).digest('hex') }
    } catch (e) {
      if (e instanceof ZmFormatError) throw invalidFile(e.message, { line: e.line })
      if (e instanceof ArchiveError) throw invalidFile(`对账文件无法读取：${e.message}`)
      throw e
    }
  }

  /** Inside the transaction: compare, settle, record. True when another run recorded the day first. */
  private apply(settleDate: string, fileName: string, zmName: string, sha256: string, records: ZmRecord[]): boolean {
    const { repo, sources } = this.d
    if (repo.get(settleDate)) return true
    const { from, to } = settleWindow(settleDate)
    const laterFrom = settleWindow(previousDay(settleDate)).from
    const bySource = new Map<string, LocalSource>()
    const candidates: LocalTxn[] = []
    for (const s of sources) {
      bySource.set(s.name, s)
      candidates.push(...s.candidates(from, to, laterFrom))
    }
    const lookup = (orderId: string) => {
      for (const s of sources) {
        const t = s.byOrderId(orderId)
        if (t) return t
      }
      return null
    }
    const findings = compare(settleDate, records, candidates, lookup)
    let settled = 0
    for (const f of findings) {
      if (f.kind !== 'SETTLED_SUCCESS' && f.kind !== 'SETTLED_FAILED') continue
      const source = bySource.get(f.source ?? '')
      if (!source) throw new Error(`no source ${f.source} for ${f.orderId}`)
      source.settle(f.orderId, f.kind === 'SETTLED_SUCCESS' ? { queryId: f.queryId ?? '' } : null)
      settled++
    }
    repo.insert(
      {
        settleDate,
        fileName,
        zmName,
        fileSha256: sha256,
        records: records.length,
        fileAmount: records.reduce((n, r) => n + r.txnAmt, 0),
        settleAmount: records.reduce((n, r) => n + r.settleAmt, 0),
        feeAmount: records.reduce((n, r) => n + r.fee, 0),
        matched: findings.filter((f) => f.kind === 'MATCHED').length,
        settled,
        mismatches: findings.filter((f) => MISMATCH_KINDS.includes(f.kind)).length,
        ranAt: this.d.clock(),
      },
      findings,
    )
    return false
  }
}
