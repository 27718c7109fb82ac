import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { FetchLike } from '../unionpay/client.ts'
import { ChinaumsClient } from './client.ts'
import { ChinaumsError } from './errors.ts'

const creds = { appId: 'app0000000000000000000000000001', appKey: 'key-123' }
const now = Date.UTC(2026, 0, 15, 2, 0, 0) // 2026-01-15 10:00:00 Beijing

function client(
  answer: (
    url: string,
    body: string,
    headers: Record<string, string>,
  ) => Promise<{ status: number; text(): Promise<string> }>,
) {
  const seen: Array<{ url: string; body: string; headers: Record<string, string> }> = []
  const fetch: FetchLike = async (url, init) => {
    seen.push({ url, body: init.body, headers: init.headers })
    return answer(url, init.body, init.headers)
  }
  return {
    c: new ChinaumsClient({
      ...creds,
      baseUrl: 'https://gw.test',
      mid: '898340149000005',
      tid: '88880001',
      timeoutMs: 1000,
      clock: () => now,
      fetch,
    }),
    seen,
  }
}
const json =
  (v: unknown, status = 200) =>
  async () => ({ status, text: async () => JSON.stringify(v) })

async function failure(p: Promise<unknown>): Promise<ChinaumsError> {
  try {
    await p
  } catch (err) {
    if (err instanceof ChinaumsError) return err
    throw err
  }
  throw new Error('expected a ChinaumsError')
}

describe('ChinaumsClient (OPEN-BODY-SIG calls, seed 1.2–1.7)', () => {
  it('posts the common fields and signs the exact body text', async () => {
    const { c, seen } = client(json({ errCode: 'SUCCESS', status: 'TRADE_SUCCESS' }))
    await c.query('1017000000000001')
    const { url, body, headers } = seen[0]!
    expect(url).toBe('https://gw.test/v1/netpay/query')
    expect(JSON.parse(body)).toEqual({
      requestTimestamp: '2026-01-15 10:00:00',
      mid: '898340149000005',
      tid: '88880001',
      instMid: 'H5DEFAULT',
      merOrderId: '1017000000000001',
    })
    const m = /^OPEN-BODY-SIG AppId="([^"]+)", Timestamp="(\d{14})", Nonce="([^"]+)", Signature="([^"]+)"$/.exec(
      headers.authorization ?? '',
    )
    expect(m?.[1]).toBe(creds.appId)
    expect(m?.[2]).toBe('20260115100000')
    const expected = createHmac('sha256', creds.appKey)
      .update(`${creds.appId}20260115100000${m?.[3]}${createHash('sha256').update(body, 'utf8').digest('hex')}`, 'utf8')
      .digest('base64')
    expect(m?.[4]).toBe(expected)
  })

  it('maps errCodes to typed errors: rejected vs outcome unknown', async () => {
    const cases: Array<[string, 'rejected' | 'indeterminate']> = [
      ['NO_ORDER', 'rejected'],
      ['OPERATION_NOT_ALLOWED', 'rejected'],
      ['BAD_SIGN', 'rejected'],
      ['DUP_ORDER', 'rejected'],
      ['TIMEOUT', 'indeterminate'],
      ['NET_ERROR', 'indeterminate'],
      ['UNKNOWN', 'indeterminate'],
      ['ORDER_PROCESSING', 'indeterminate'],
      ['SOMETHING_NEW', 'indeterminate'],
    ]
    for (const [code, kind] of cases) {
      const { c } = client(json({ errCode: code, errMsg: 'x' }))
      const e = await failure(
        c.refund({ merOrderId: '1017000000000001', refundOrderId: '1017000000000002', refundAmount: 1 }),
      )
      expect([e.errCode, e.kind]).toEqual([code, kind])
    }
  })

  it('a network failure, a timeout or an unreadable answer is never taken as a refusal', async () => {
    const net = await failure(
      client(async () => Promise.reject(new TypeError('fetch failed'))).c.close('1017000000000001'),
    )
    expect([net.errCode, net.indeterminate]).toEqual(['NET_ERROR', true])
    const slow = await failure(
      client(async () => Promise.reject(Object.assign(new Error('t'), { name: 'TimeoutError' }))).c.close(
        '1017000000000001',
      ),
    )
    expect([slow.errCode, slow.indeterminate]).toEqual(['TIMEOUT', true])
    const html = await failure(
      client(async () => ({ status: 502, text: async () => '<html>Bad Gateway</html>' })).c.query('1017000000000001'),
    )
    expect([html.errCode, html.indeterminate]).toEqual(['INVALID_RESPONSE', true])
    const noCode = await failure(client(json({ status: 'TRADE_SUCCESS' })).c.query('1017000000000001'))
    expect([noCode.errCode, noCode.indeterminate]).toEqual(['INVALID_RESPONSE', true])
  })
})
