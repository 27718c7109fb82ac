import type { AcpClient } from '../client.ts'
import { AcpError } from '../client.ts'
import { DomainError } from '../../errors.ts'

/** The downloaded archive of one settle date, still packed (see archive.ts). */
export interface DownloadedFile {
  fileName: string
  fileContent: string
}

/**
 * The answer carries the whole archive (at most 64 MiB inflated, archive.ts), deflated and in
 * base64: 4/3 of an archive that would not compress, plus the other fields.
 */
const MAX_FILE_REPLY_BYTES = 96 * 1024 * 1024

/**
 * 文件传输 (txnType 76, txnSubType 01, bizType 000000, fileType 00) for `settleDate`
 * (YYYYMMDD; the request carries MMDD) on the file-transfer origin. `98` = the file does not
 * exist (yet): RECON_FILE_NOT_READY. Sources: docs/reconcile.md.
 */
export async function downloadReconciliationFile(
  client: AcpClient,
  fileBaseUrl: string,
  settleDate: string,
): Promise<DownloadedFile> {
  let a
  try {
    a = await client.post(
      `${fileBaseUrl}/`,
      {
        txnType: '76',
        txnSubType: '01',
        bizType: '000000',
        channelType: '07',
        fileType: '00',
        settleDate: settleDate.slice(4),
        txnTime: client.txnTime(),
      },
      { maxReplyBytes: MAX_FILE_REPLY_BYTES },
    )
  } catch (e) {
    if (!(e instanceof AcpError)) throw e
    throw new DomainError('unavailable', 'RECON_FILE_UNAVAILABLE', `对账文件下载失败：${e.message}`)
  }
  if (a.respCode === '98')
    throw new DomainError('conflict', 'RECON_FILE_NOT_READY', `清算日 ${settleDate} 的对账文件尚未生成，请稍后再试`)
  if (a.outcome !== 'success')
    throw new DomainError(
      'upstream',
      `ACP_${a.respCode || 'REFUSED'}`,
      `对账文件下载被拒绝：${a.respCode} ${a.respMsg}`,
    )
  const { fileName, fileContent } = a.fields
  if (!fileContent || !fileName || !/^[\w.-]{1,128}$/.test(fileName))
    throw new DomainError('upstream', 'RECON_FILE_INVALID', '对账文件下载应答缺少 fileContent 或 fileName')
  return { fileName, fileContent }
}
