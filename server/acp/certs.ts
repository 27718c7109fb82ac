import { readFileSync } from 'node:fs'
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto'
import forge from 'node-forge'

/** The merchant's signing identity from its PKCS#12 (.pfx): the key and `certId`. */
export interface SigningIdentity {
  privateKey: KeyObject
  /** Decimal serial number of the signing certificate: the `certId` field. */
  certId: string
  certificate: X509Certificate
}

/** UnionPay's verification anchors: the configured root and middle certificates. */
export interface TrustAnchors {
  root: X509Certificate
  middle: X509Certificate
}

export const UNIONPAY_CN_NAME = '中国银联股份有限公司'
/** What UnionPay's test environment certificates carry instead (official SDKs accept it when CN checking is off). */
export const TEST_CN_NAME = '00040000:SIGN'

export class AcpCertError extends Error {
  constructor(
    readonly reason: 'unreadable' | 'expired' | 'not_yet_valid' | 'chain' | 'cn' | 'not_ca',
    message: string,
  ) {
    super(message)
    this.name = 'AcpCertError'
  }
}

/** A setting given as a file path, PEM text, or base64 DER: the bytes. */
export function readSetting(value: string): Buffer {
  const v = value.trim()
  if (v.startsWith('-----BEGIN')) return Buffer.from(v, 'utf8')
  if (v.startsWith('/') || v.startsWith('./') || v.startsWith('../') || /\.(pfx|p12|cer|crt|pem)$/i.test(v))
    return readFileSync(v)
  return Buffer.from(v, 'base64')
}

export function serialToDecimal(hexSerial: string): string {
  return BigInt(`0x${hexSerial}`).toString(10)
}

/** Opens the merchant's PKCS#12 (node-forge: PBES2/AES and the legacy 3DES/RC2 bags). */
export function loadPkcs12(bytes: Buffer, password: string): SigningIdentity {
  let p12: forge.pkcs12.Pkcs12Pfx
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')))
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, password)
  } catch (e) {
    throw new AcpCertError(
      'unreadable',
      `not a readable PKCS#12 with this password (${e instanceof Error ? e.message : String(e)})`,
    )
  }
  const bags = (oid: string | undefined) => (oid ? (p12.getBags({ bagType: oid })[oid] ?? []) : [])
  const keyBags = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag), ...bags(forge.pki.oids.keyBag)]
  const certBags = bags(forge.pki.oids.certBag)
  const key = keyBags.find((b) => b.key)?.key
  if (!key) throw new AcpCertError('unreadable', 'the PKCS#12 holds no private key')
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(key))
  // The signing certificate is the one whose public key matches the private key.
  for (const bag of certBags) {
    if (!bag.cert) continue
    const certificate = new X509Certificate(forge.pki.certificateToPem(bag.cert))
    if (certificate.checkPrivateKey(privateKey))
      return { privateKey, certId: serialToDecimal(certificate.serialNumber), certificate }
  }
  throw new AcpCertError('unreadable', 'the PKCS#12 holds no certificate for its private key')
}

export function loadCertificate(bytes: Buffer): X509Certificate {
  try {
    return new X509Certificate(bytes)
  } catch {
    throw new AcpCertError('unreadable', 'not a readable X.509 certificate (PEM or DER)')
  }
}

/** The CN's third `@`-separated part: where UnionPay puts the owner's name. */
export function cnOwner(cert: X509Certificate): string | undefined {
  const cn = cert.subject
    .split('\n')
    .find((l) => l.startsWith('CN='))
    ?.slice(3)
  return cn?.split('@')[2]
}

export interface CertCheckOptions {
  now: number
  /** Also accept `00040000:SIGN` (UnionPay's test environment). Never on in production. */
  allowTestCn: boolean
}

function checkValidity(cert: X509Certificate, now: number, what: string): void {
  if (now < Date.parse(cert.validFrom))
    throw new AcpCertError('not_yet_valid', `${what} is not valid before ${cert.validFrom}`)
  if (now > Date.parse(cert.validTo)) throw new AcpCertError('expired', `${what} expired ${cert.validTo}`)
}

/**
 * Checks a certificate that came in a message (`signPubKeyCert`) or a key-update answer: within
 * its validity, issued and signed by the configured middle, which is issued and signed by the
 * configured root, and owned by UnionPay (CN rule). Returns it parsed.
 */
export function checkUnionpayCert(pem: string, trust: TrustAnchors, options: CertCheckOptions): X509Certificate {
  const cert = loadCertificate(Buffer.from(pem, 'utf8'))
  checkValidity(cert, options.now, 'the certificate')
  checkValidity(trust.middle, options.now, 'the middle certificate')
  if (!trust.middle.ca) throw new AcpCertError('not_ca', 'the configured middle certificate is not a CA')
  if (!cert.checkIssued(trust.middle) || !cert.verify(trust.middle.publicKey))
    throw new AcpCertError('chain', 'the certificate is not issued by the configured middle certificate')
  if (!trust.middle.checkIssued(trust.root) || !trust.middle.verify(trust.root.publicKey))
    throw new AcpCertError('chain', 'the middle certificate is not issued by the configured root certificate')
  const owner = cnOwner(cert)
  const ok = owner === UNIONPAY_CN_NAME || (options.allowTestCn && owner === TEST_CN_NAME)
  if (!ok) throw new AcpCertError('cn', `the certificate's owner "${owner ?? ''}" is not ${UNIONPAY_CN_NAME}`)
  return cert
}
