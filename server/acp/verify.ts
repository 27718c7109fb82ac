import type { X509Certificate } from 'node:crypto'
import { AcpCertError, checkUnionpayCert, type TrustAnchors } from './certs.ts'
import type { AcpFields } from './message.ts'
import { verifyFields } from './sign.ts'

export type VerifyResult = { ok: true } | { ok: false; reason: string }

/**
 * Verifies answers and notifications: `signPubKeyCert` chain-checked against the configured
 * anchors (never trusted because it came in the message), then the 5.1.0 signature. Checked
 * certificates are remembered (bounded) but their validity is re-checked on every use.
 */
export class AcpVerifier {
  private readonly checked = new Map<string, X509Certificate>()

  constructor(
    private readonly trust: TrustAnchors,
    private readonly options: { allowTestCn: boolean; clock: () => number },
  ) {}

  verify(fields: AcpFields): VerifyResult {
    if (fields.signMethod !== '01') return { ok: false, reason: `unsupported signMethod "${fields.signMethod ?? ''}"` }
    const pem = fields.signPubKeyCert
    if (!pem) return { ok: false, reason: 'no signPubKeyCert' }
    if (!fields.signature) return { ok: false, reason: 'no signature' }
    const now = this.options.clock()
    let cert = this.checked.get(pem)
    try {
      if (cert && (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo))) cert = undefined
      if (!cert) {
        this.checked.delete(pem)
        cert = checkUnionpayCert(pem, this.trust, { now, allowTestCn: this.options.allowTestCn })
        if (this.checked.size >= 32) this.checked.clear()
        this.checked.set(pem, cert)
      }
    } catch (e) {
      return {
        ok: false,
        reason: e instanceof AcpCertError ? `signPubKeyCert: ${e.message}` : 'signPubKeyCert unreadable',
      }
    }
    return verifyFields(fields, cert.publicKey) ? { ok: true } : { ok: false, reason: 'signature does not verify' }
  }
}
