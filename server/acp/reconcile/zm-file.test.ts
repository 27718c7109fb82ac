import { deflateSync } from 'node:zlib'
import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { thrownBy } from '../../test/harness.ts'
import { ArchiveError, decodeFileContent, zmEntry } from './archive.ts'
import { maskCardNo, parseZmFile, ZM_FIXED_BYTES, ZmFormatError } from './zm-file.ts'

// One line in the layout of UnionPay's public sample archive (docs/reconcile.md): 42 fields, one
// space between them, 607 bytes; written out literally so the parser is checked against text,
// not against the sandbox's writer.
const LINE =
  'S56 48029900    00049990    563932 1130100000 621661*********7010 000000001200 5311 08 991796080538825563932 01 A2026113010000024071337          01                   D000000000007 C000000001193 0001                 01 01 000902 01                                                               777290058110048   000000000000000                                   000000000000 C000000001193 01080209                                   000000000000  000000000000  00000000000    7                                                                                                                                    '
const bytes = (...lines: string[]) => Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1')
const MER = '777290058110048'

describe('ZM file', () => {
  it('reads the fields the reconciliation uses (607-byte line, signed fee and settlement)', () => {
    expect(Buffer.byteLength(LINE)).toBe(607)
    expect(ZM_FIXED_BYTES).toBe(509)
    const [r] = parseZmFile(bytes(LINE))
    expect(r).toEqual({
      line: 1,
      tradeCode: 'S56',
      traceTime: '1130100000',
      accNoMasked: '621661*********7010',
      txnAmt: 1200,
      queryId: '991796080538825563932',
      orderId: 'A2026113010000024071337',
      txnType: '01',
      txnSubType: '01',
      bizType: '000902',
      origQryId: '',
      merId: MER,
      fee: -7,
      settleAmt: 1193,
    })
  })

  it('masks a card number the file carries in full', () => {
    const full = LINE.replace('621661*********7010', '6216610200016587010')
    expect(parseZmFile(bytes(full))[0]!.accNoMasked).toBe('621661*********7010')
    expect(maskCardNo('6222021234567890')).toBe('622202******7890')
    expect(maskCardNo('12345')).toBe('*2345')
  })

  it('reads GBK text in free fields without shifting the others', () => {
    const at = LINE.indexOf('01080209') + 9 // 商户自定义域, 32 bytes
    const gbk = Buffer.concat([
      Buffer.from(LINE.slice(0, at), 'latin1'),
      Buffer.from([0xb2, 0xe2, 0xca, 0xd4]), // 测试
      Buffer.from(LINE.slice(at + 4), 'latin1'),
      Buffer.from('\r\n'),
    ])
    expect(parseZmFile(gbk)[0]!.txnAmt).toBe(1200)
  })

  it('names the line and field of every malformed input, returning nothing', () => {
    const cases: [Buffer, number, string][] = [
      [bytes(LINE, LINE.replace('000000001200', '00000000120X')), 2, '交易金额'],
      [bytes(LINE.slice(0, 400)), 1, '长度 400 字节'],
      [bytes(LINE.replace('S56 ', 'S56-')), 1, '交易代码之后缺少分隔空格'],
      [bytes(LINE.replace('991796080538825563932', '99179608053882556393X')), 1, '查询流水号'],
      [bytes(LINE.replace('D000000000007', 'X000000000007')), 1, '商户手续费'],
      [bytes(LINE.replace(MER, '77729005811004 ')), 1, '商户代码'],
      [bytes(LINE, '', LINE), 2, '空行'],
      [bytes(LINE, LINE), 2, '与第 1 行重复'],
    ]
    for (const [content, line, text] of cases) {
      const e = thrownBy(() => parseZmFile(content), ZmFormatError)
      expect(e.line, text).toBe(line)
      expect(e.message).toContain(`对账文件第 ${line} 行`)
      expect(e.message).toContain(text)
    }
  })

  it('accepts LF endings and a file without a final newline; an empty file has no records', () => {
    expect(parseZmFile(Buffer.from(`${LINE}\n${LINE.replace('A2026', 'B2026')}`, 'latin1'))).toHaveLength(2)
    expect(parseZmFile(new Uint8Array())).toEqual([])
  })
})

describe('archive', () => {
  const pack = (files: Record<string, Uint8Array>) => deflateSync(zipSync(files)).toString('base64')
  const zm = `INN26113088ZM_${MER}`

  it('unpacks base64 → zlib → zip and picks the merchant’s ZM file of the day', () => {
    const content = pack({ [zm]: bytes(LINE), [`INN26113088ZME_${MER}`]: bytes('x'), RD2026: bytes('x') })
    const e = zmEntry(decodeFileContent(content), MER, '20261130')
    expect(e.name).toBe(zm)
    expect(parseZmFile(e.content)).toHaveLength(1)
  })

  it('refuses what is not base64, not zlib, not a zip, or not the right ZM file', () => {
    expect(thrownBy(() => decodeFileContent('***'), ArchiveError).message).toContain('base64')
    expect(thrownBy(() => decodeFileContent(Buffer.from('plain').toString('base64')), ArchiveError).message).toContain(
      '解压',
    )
    const notZip = decodeFileContent(deflateSync(Buffer.from('not a zip')).toString('base64'))
    expect(thrownBy(() => zmEntry(notZip, MER, '20261130'), ArchiveError).message).toContain('zip')
    const none = decodeFileContent(pack({ other: bytes('x') }))
    expect(thrownBy(() => zmEntry(none, MER, '20261130'), ArchiveError).message).toContain('实际 0 个')
    const wrongDay = decodeFileContent(pack({ [zm]: bytes(LINE) }))
    expect(thrownBy(() => zmEntry(wrongDay, MER, '20261201'), ArchiveError).message).toContain('20261201')
    expect(thrownBy(() => zmEntry(wrongDay, '777290058110049', '20261130'), ArchiveError).message).toContain(
      '不属于商户',
    )
  })
})
