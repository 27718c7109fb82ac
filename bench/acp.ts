/**
 * 全渠道 benchmarks: 5.1.0 sign and verify per second, and notification throughput (verify +
 * store + apply once, in-process and through the HTTP route).
 *
 * `bench/run.ts` calls it with its `measure` helper: `await benchAcp(measure)`.
 */
import { buildApp } from '../server/app.ts'
import { loadConfig } from '../server/config.ts'
import { parseAnswer } from '../server/acp/message.ts'
import { signFields } from '../server/acp/sign.ts'
import { AcpVerifier } from '../server/acp/verify.ts'
import { sandboxSign } from '../server/sandbox/acp/crypto.ts'
import { sandboxAcpPki } from '../server/sandbox/acp/pki.ts'
import type { BenchRecord } from './payments.ts'

export async function benchAcp(measure: BenchRecord): Promise<void> {
  const config = loadConfig({ SANDBOX: '1', DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' })
  const acpConfig = config.acp
  if (!acpConfig) throw new Error('sandbox mode has 全渠道 configured')
  const pki = sandboxAcpPki()
  const request = {
    version: '5.1.0',
    encoding: 'UTF-8',
    signMethod: '01',
    txnType: '01',
    txnSubType: '01',
    bizType: '000902',
    channelType: '08',
    accessType: '0',
    merId: acpConfig.merId,
    certId: acpConfig.identity.certId,
    orderId: 'A2026113012000012345678',
    txnTime: '20261130120000',
    txnAmt: '1000',
    currencyCode: '156',
    backUrl: 'https://shop.example/notify/unionpay/acp',
    tokenPayData: '{token=6218400000002496717}',
  }
  await measure('全渠道 5.1.0 sign (merchant PKCS#12 key, RSA-2048)', () =>
    signFields(request, acpConfig.identity.privateKey),
  )

  const verifier = new AcpVerifier(acpConfig.trust, { allowTestCn: false, clock: Date.now })
  const answer = { ...request, respCode: '00', respMsg: '成功[0000000]', signPubKeyCert: pki.signCertPem }
  const signedAnswer = { ...answer, signature: sandboxSign(answer, pki.signKeyPem) }
  if (!verifier.verify(signedAnswer).ok) throw new Error('bench answer does not verify')
  await measure('全渠道 verify (chain-checked signPubKeyCert, cached)', () => verifier.verify(signedAnswer))
  await measure(
    '全渠道 verify (chain check every time)',
    () => new AcpVerifier(acpConfig.trust, { allowTestCn: false, clock: Date.now }).verify(signedAnswer),
    1000,
  )
  const raw = Object.entries(signedAnswer)
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  await measure('全渠道 answer parse (brace-aware, raw)', () => parseAnswer(raw))

  // Notifications: every one for a different pending charge, so each is verified, stored and applied.
  const built = await buildApp(config, { distDir: false, rateLimitPerMinute: 1_000_000 })
  try {
    const acp = built.acp
    if (!acp) throw new Error('no acp service')
    const N = 20_000
    const notes: Record<string, string>[] = []
    for (let i = 0; i < N; i++) {
      const orderId = `B${String(i).padStart(22, '0')}`
      await acp.repo.insert(
        { orderId, kind: 'contract', txnTime: '20261130120000', amount: 1000, contractId: 'C1' },
        'bench',
      )
      const f: Record<string, string> = {
        version: '5.1.0',
        encoding: 'UTF-8',
        signMethod: '01',
        accessType: '0',
        merId: acpConfig.merId,
        orderId,
        txnTime: '20261130120000',
        txnType: '01',
        txnSubType: '01',
        bizType: '000902',
        txnAmt: '1000',
        currencyCode: '156',
        queryId: String(10n ** 20n + BigInt(i)),
        respCode: '00',
        respMsg: '成功[0000000]',
        signPubKeyCert: pki.signCertPem,
      }
      notes.push({ ...f, signature: sandboxSign(f, pki.signKeyPem) })
    }
    let i = 0
    await measure(
      '全渠道 notification: verify + store + apply (in-process)',
      async () => {
        const r = await acp.handleNotification(notes[i++ % N]!)
        if (r.status !== 200) throw new Error(`notification refused: ${r.outcome}`)
      },
      1500,
      'each a different pending charge until they run out, then duplicates',
    )
    const fresh = notes.slice(i)
    let j = 0
    await measure(
      'POST /notify/unionpay/acp (inject, form body)',
      async () => {
        const f = fresh[j++ % Math.max(1, fresh.length)] ?? notes[0]!
        const r = await built.app.inject({
          method: 'POST',
          url: '/notify/unionpay/acp',
          payload: new URLSearchParams(f).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
        if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode}`)
      },
      1500,
    )
  } finally {
    await built.app.close()
  }
}
