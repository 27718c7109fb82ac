import { constants, publicEncrypt, type X509Certificate } from 'node:crypto'
import { serialToDecimal } from './certs.ts'

export interface EncryptCert {
  cert: X509Certificate
  /** Decimal serial: the `encryptCertId` field. */
  certId: string
}

/**
 * UnionPay's sensitive-data encryption certificates. The newest is used; an older one stays
 * known for the one-month overlap after a key update (seed 000, 加密公钥更新查询交易).
 */
export class EncryptCerts {
  private certs: EncryptCert[] = []

  constructor(initial: X509Certificate) {
    this.certs = [{ cert: initial, certId: serialToDecimal(initial.serialNumber) }]
  }

  current(): EncryptCert {
    const c = this.certs[0]
    if (!c) throw new Error('no encryption certificate')
    return c
  }

  known(): readonly EncryptCert[] {
    return this.certs
  }

  /** Adopts a newer certificate (from the `95` answer); true when it changed. */
  adopt(cert: X509Certificate): boolean {
    const certId = serialToDecimal(cert.serialNumber)
    if (this.certs.some((c) => c.certId === certId)) return false
    this.certs = [{ cert, certId }, ...this.certs].slice(0, 2)
    return true
  }
}

/** RSA PKCS#1 v1.5 with the encryption certificate's key, base64 (accNo, customerInfo parts). */
export function encryptSensitive(plain: string, cert: EncryptCert): string {
  return publicEncrypt(
    { key: cert.cert.publicKey, padding: constants.RSA_PKCS1_PADDING },
    Buffer.from(plain, 'utf8'),
  ).toString('base64')
}
