import { generateKeyPairSync, randomBytes } from 'node:crypto'
import forge from 'node-forge'

/**
 * The sandbox 全渠道's own PKI, made once per process at start: a root, a middle, UnionPay's
 * signing certificate (CN third part 中国银联股份有限公司), the sensitive-data encryption
 * certificate (rotatable), and the sandbox merchant's certificate wrapped in a PKCS#12.
 * Public on purpose: it signs nothing outside this machine.
 */
export interface SandboxAcpPki {
  rootPem: string
  middlePem: string
  signCertPem: string
  signKeyPem: string
  merchantCertPem: string
  /** Decimal serial: the merchant's certId. */
  merchantCertId: string
  merchantPfxBase64: string
  merchantPfxPassword: string
  /** Issues a fresh encryption certificate (key rotation). */
  newEncryptCert(): { certPem: string; keyPem: string; certId: string }
  initialEncrypt: { certPem: string; keyPem: string; certId: string }
}

export const SANDBOX_ACP_MER_ID = '777290058110048'
const YEAR = 365 * 24 * 3600_000
const SANDBOX_NOT_BEFORE = Date.UTC(2020, 0, 1)

function keyPair(): { pub: forge.pki.rsa.PublicKey; priv: forge.pki.rsa.PrivateKey; privPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const privPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  return {
    pub: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    priv: forge.pki.privateKeyFromPem(privPem) as forge.pki.rsa.PrivateKey,
    privPem,
  }
}

let serialCounter = 0
function nextSerial(): string {
  // Positive, unique within the process, and large enough to look like UnionPay's.
  serialCounter++
  return (BigInt(`0x${randomBytes(4).toString('hex')}`) * 1000n + BigInt(serialCounter)).toString(16).padStart(12, '0')
}

interface Issued {
  cert: forge.pki.Certificate
  key: ReturnType<typeof keyPair>
}

function issue(subjectCn: string, org: string, issuer: Issued | 'self', ca: boolean, now: number): Issued {
  const key = keyPair()
  const cert = forge.pki.createCertificate()
  cert.publicKey = key.pub
  cert.serialNumber = nextSerial()
  // Wide windows on purpose: tests run the whole server on fixed clocks (2026-01-15 and others).
  cert.validity.notBefore = new Date(Math.min(now - 24 * 3600_000, SANDBOX_NOT_BEFORE))
  cert.validity.notAfter = new Date(now + (ca ? 20 : 10) * YEAR)
  const subject = [
    { shortName: 'C', value: 'CN' },
    { shortName: 'O', value: org },
    { shortName: 'CN', value: subjectCn, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class },
  ]
  cert.setSubject(subject)
  cert.setIssuer(issuer === 'self' ? subject : issuer.cert.subject.attributes)
  cert.setExtensions(
    ca
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
          { name: 'subjectKeyIdentifier' },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          { name: 'subjectKeyIdentifier' },
        ],
  )
  cert.sign(issuer === 'self' ? key.priv : issuer.key.priv, forge.md.sha256.create())
  return { cert, key }
}

const pem = (i: Issued) => forge.pki.certificateToPem(i.cert)
const decimalSerial = (i: Issued) => BigInt(`0x${i.cert.serialNumber}`).toString(10)

/** What `newEncryptCert` needs besides the public parts: the middle CA's key. */
type Serialized = Omit<SandboxAcpPki, 'newEncryptCert'> & { middleKeyPem: string }

/**
 * Test runs only: a PKI made once by the test runner's global setup and handed to its worker
 * processes (key generation is seconds on a loaded 2-core machine, per process otherwise).
 */
export const PKI_ENV = 'UPKIT_SANDBOX_ACP_PKI_FOR_TESTS'

let cached: SandboxAcpPki | undefined
let serialized: Serialized | undefined

function withIssuer(s: Serialized): SandboxAcpPki {
  const middle: Issued = {
    cert: forge.pki.certificateFromPem(s.middlePem),
    key: {
      pub: forge.pki.certificateFromPem(s.middlePem).publicKey as forge.pki.rsa.PublicKey,
      priv: forge.pki.privateKeyFromPem(s.middleKeyPem) as forge.pki.rsa.PrivateKey,
      privPem: s.middleKeyPem,
    },
  }
  const { middleKeyPem: _k, ...pub } = s
  return {
    ...pub,
    newEncryptCert: () => {
      const e = issue('041@Z12@中国银联股份有限公司@00000002', 'upkit sandbox', middle, false, Date.now())
      return { certPem: pem(e), keyPem: e.key.privPem, certId: decimalSerial(e) }
    },
  }
}

function generate(now: number): Serialized {
  const root = issue('upkit Sandbox ACP Root', 'upkit sandbox', 'self', true, now)
  const middle = issue('upkit Sandbox ACP Middle', 'upkit sandbox', root, true, now)
  const sign = issue('041@Z12@中国银联股份有限公司@00000001', 'upkit sandbox', middle, false, now)
  const merchant = issue(SANDBOX_ACP_MER_ID, 'upkit sandbox merchant', middle, false, now)
  const encrypt = issue('041@Z12@中国银联股份有限公司@00000002', 'upkit sandbox', middle, false, now)
  const password = 'sandbox-000000'
  const p12 = forge.pkcs12.toPkcs12Asn1(merchant.key.priv, [merchant.cert], password, { algorithm: '3des' })
  return {
    rootPem: pem(root),
    middlePem: pem(middle),
    middleKeyPem: middle.key.privPem,
    signCertPem: pem(sign),
    signKeyPem: sign.key.privPem,
    merchantCertPem: pem(merchant),
    merchantCertId: decimalSerial(merchant),
    merchantPfxBase64: Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary').toString('base64'),
    merchantPfxPassword: password,
    initialEncrypt: { certPem: pem(encrypt), keyPem: encrypt.key.privPem, certId: decimalSerial(encrypt) },
  }
}

/** The PKI serialized (global test setup hands it to workers through PKI_ENV). */
export function serializedSandboxAcpPki(): string {
  sandboxAcpPki()
  return JSON.stringify(serialized)
}

export function sandboxAcpPki(now: number = Date.now()): SandboxAcpPki {
  if (cached) return cached
  const handed = process.env[PKI_ENV]
  serialized = handed ? (JSON.parse(handed) as Serialized) : generate(now)
  cached = withIssuer(serialized)
  return cached
}
