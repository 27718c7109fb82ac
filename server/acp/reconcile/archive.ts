import { inflateSync } from 'node:zlib'
import { unzipSync } from 'fflate'

/**
 * The file-transfer answer's `fileContent`: base64 of a zlib-DEFLATE stream (acpsdk
 * `deCodeFileContent`: base64 decode, then `Inflater`) whose inflated bytes are the `fileName`
 * zip archive. Inside, the ZM file is named `INN{yyMMdd}{2 chars}ZM_{merId}` (docs/reconcile.md).
 */

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ArchiveError'
  }
}

/** Upper bounds against a decompression bomb: the archive and the ZM file inside it. */
const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
const MAX_ENTRY_BYTES = 256 * 1024 * 1024

/** `fileContent` → the zip archive's bytes. */
export function decodeFileContent(fileContent: string): Uint8Array {
  const b64 = fileContent.replace(/\s+/g, '')
  if (!b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0)
    throw new ArchiveError('fileContent 不是 base64')
  try {
    return inflateSync(Buffer.from(b64, 'base64'), { maxOutputLength: MAX_ARCHIVE_BYTES })
  } catch {
    throw new ArchiveError('fileContent 无法解压（须为 zlib DEFLATE）')
  }
}

/** `INN150905` + 2 + `ZM_` + merId, as in the public sample archive. */
const ZM_NAME = /^(?:.*\/)?INN(\d{6})[0-9A-Za-z]{2}ZM_([0-9A-Za-z]{15})$/

/**
 * The ZM file of `merId` for `settleDate` (YYYYMMDD) from the archive; other entries (the
 * ZME error file, the RD summary) are not read. Exactly one matching entry is required.
 */
export function zmEntry(zip: Uint8Array, merId: string, settleDate: string): { name: string; content: Uint8Array } {
  const names: string[] = []
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(zip, {
      filter: (f) => {
        names.push(f.name)
        const m = ZM_NAME.exec(f.name)
        if (!m) return false
        if (f.originalSize > MAX_ENTRY_BYTES) throw new ArchiveError(`${f.name} 过大`)
        return true
      },
    })
  } catch (e) {
    if (e instanceof ArchiveError) throw e
    throw new ArchiveError('对账文件不是有效的 zip 压缩包')
  }
  const zm = Object.entries(files)
  if (zm.length !== 1)
    throw new ArchiveError(
      `压缩包中应有且只有一个 ZM 文件（INN…ZM_商户代码），实际 ${zm.length} 个；文件：${names.join('、') || '无'}`,
    )
  const [name, content] = zm[0]!
  const m = ZM_NAME.exec(name)!
  if (m[2] !== merId) throw new ArchiveError(`ZM 文件 ${name} 不属于商户 ${merId}`)
  if (m[1] !== settleDate.slice(2)) throw new ArchiveError(`ZM 文件 ${name} 不是清算日 ${settleDate} 的文件`)
  return { name, content }
}
