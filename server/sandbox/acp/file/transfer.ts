import type { FastifyInstance } from 'fastify'
import type { GatewayTools } from '../gateway.ts'
import type { SandboxTxn } from '../state.ts'
import { beijingDay, checkOrder, refuse, requireFields } from '../validate.ts'
import { buildArchive, cutOffOf, emptyFileOptions, type FileOptions } from './zm.ts'

/** The most recent YYYYMMDD not after `today` whose month and day are `mmdd` (the request has no year). */
function settleDateFor(mmdd: string, today: string): string | undefined {
  for (const year of [+today.slice(0, 4), +today.slice(0, 4) - 1]) {
    const d = `${year}${mmdd}`
    const t = new Date(Date.UTC(year, +mmdd.slice(0, 2) - 1, +mmdd.slice(2, 4)))
    if (t.getUTCMonth() + 1 !== +mmdd.slice(0, 2)) continue
    if (d <= today) return d
  }
  return undefined
}

/**
 * 文件传输 (76) on the sandbox's file-transfer origin (`/filedownload/`): the reconciliation
 * archive of a settle day, built from the sandbox's own records. `98` (file does not exist) until
 * the day's 23:00 cut-off has passed. Controls under `/__control/file` plant mismatches.
 */
export function fileTransferRoutes(panOf: (t: SandboxTxn) => string | undefined) {
  return (app: FastifyInstance, tools: GatewayTools): void => {
    const s = tools.state
    const options: FileOptions = emptyFileOptions()
    const PATH = 'fileTransfer'

    app.post('/filedownload/', async (req, reply) => {
      const e = tools.envelope(req.body)
      if ('bad' in e) return tools.refused(reply, PATH, e.f, e.bad)
      const f = e.f
      if (f.txnType !== '76' || f.txnSubType !== '01' || f.bizType !== '000000')
        return tools.refused(reply, PATH, f, refuse('32', '无此交易权限：文件传输须为76/01/000000'))
      const missing = requireFields(f, ['txnTime', 'settleDate', 'fileType'])
      if (missing) return tools.refused(reply, PATH, f, missing)
      // checkOrder needs an orderId; the file transfer has none, so lend it a placeholder.
      const bad = checkOrder({ ...f, orderId: 'FILETRANSFER' }, s.clock(), {
        fresh: true,
        amount: false,
        backUrl: false,
      })
      if (bad) return tools.refused(reply, PATH, f, bad)
      if (f.fileType !== '00') return tools.refused(reply, PATH, f, refuse('10', 'fileType仅支持00（对账文件）'))
      const now = s.clock()
      const day = /^\d{4}$/.test(f.settleDate!) ? settleDateFor(f.settleDate!, beijingDay(now)) : undefined
      if (!day) return tools.refused(reply, PATH, f, refuse('10', 'settleDate格式错误：MMDD'))
      if (now < cutOffOf(day)) {
        s.log.push({ path: PATH, txnType: '76', orderId: '', respCode: '98' })
        return tools.answer(reply, f, { respCode: '98', respMsg: '文件不存在' })
      }
      const archive = buildArchive(s.txns.values(), f.merId!, day, options, panOf)
      s.log.push({ path: PATH, txnType: '76', orderId: '', respCode: '00' })
      return tools.answer(reply, f, {
        respCode: '00',
        respMsg: '成功[0000000]',
        fileType: '00',
        settleDate: f.settleDate!,
        fileName: archive.fileName,
        fileContent: archive.fileContent,
      })
    })

    /** Plants mismatches in the files served from now on: omit a transaction, state another amount, full card numbers. */
    app.post('/__control/file', async (req, reply) => {
      const b = (req.body ?? {}) as Record<string, unknown>
      if (typeof b.omit === 'string') options.omit.add(b.omit)
      if (b.amend && typeof b.amend === 'object') {
        const a = b.amend as Record<string, unknown>
        if (typeof a.orderId !== 'string' || !Number.isInteger(a.txnAmt) || (a.txnAmt as number) < 1)
          return reply.status(400).send({ error: 'amend needs {orderId, txnAmt}' })
        options.amend.set(a.orderId, a.txnAmt as number)
      }
      if (typeof b.fullCardNumbers === 'boolean') options.fullCardNumbers = b.fullCardNumbers
      if (b.corruptLine === null || (Number.isInteger(b.corruptLine) && (b.corruptLine as number) > 0))
        options.corruptLine = b.corruptLine as number | null
      if (b.plant && typeof b.plant === 'object') {
        const p = b.plant as Record<string, unknown>
        if (
          typeof p.orderId !== 'string' ||
          !/^[0-9A-Za-z]{8,32}$/.test(p.orderId) ||
          !Number.isInteger(p.txnAmt) ||
          (p.txnAmt as number) < 1 ||
          typeof p.settleDate !== 'string' ||
          !/^\d{8}$/.test(p.settleDate)
        )
          return reply.status(400).send({ error: 'plant needs {orderId, txnAmt, settleDate: YYYYMMDD}' })
        options.planted.push({
          orderId: p.orderId,
          txnAmt: p.txnAmt as number,
          settleDate: p.settleDate,
          queryId: s.newQueryId(),
        })
      }
      if (b.reset === true) Object.assign(options, emptyFileOptions())
      return { ok: true, omit: [...options.omit], amend: Object.fromEntries(options.amend) }
    })
  }
}
