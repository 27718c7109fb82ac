import { generateKeyPairSync } from 'node:crypto'

/**
 * Fixed credentials of the built-in sandbox. They are public on purpose: the sandbox only
 * accepts loopback traffic from this kit and holds no real money or users.
 */
export const SANDBOX_UNIONPAY = {
  appId: 'upkitsandbox0000000000000000app01',
  secret: 'upkit-sandbox-secret-0123456789abcdef',
  /** 24-byte 3DES key, hex. */
  symmetricKey: '0123456789abcdeffedcba9876543210a1b2c3d4e5f60718',
  /** The 联登授权域名 of the sandbox app: redirectUri hosts must match one of these. */
  oauthHosts: ['127.0.0.1', 'localhost'],
  contractPlans: ['PLAN0001', 'PLAN0002'],
  /** 5.3.1 商户号 and 业务类型 of the sandbox app (the seed prints both 4a and 4h; both are accepted). */
  payPwdMerchantId: '474919534200503',
  payPwdBizTypes: ['4a', '4h'],
  /** 附录十: 机构账户代码 (T00 + 接入方代码, 18 characters), 资格池编号 and 抽奖活动编号. */
  insAcctId: 'T00T00000000880001',
  qualNum: '5b1f3c9e-40de-4a11-9c8e-3ace7bc3a7c2',
  activityNumber: '1320261130000001',
} as const

export const SANDBOX_CHINAUMS = {
  appId: '10037e6f6a4e6da4016a62a9b1e80044',
  appKey: 'upkitSandboxAppKey0123456789abcdefABCDEF',
  md5Key: 'upkitSandboxMd5Key0123456789',
  mid: '898340149000005',
  tid: '88880001',
  sourceId: '1017',
} as const

let keyPair: { publicKeyDer: string; privateKeyPem: string } | undefined

/**
 * The sandbox platform's RSA key pair (the "upPublicKey" side). Generated once per process:
 * the server and the sandbox live in one process in sandbox mode, so both see the same pair.
 */
export function sandboxRsaKeyPair(): { publicKeyDer: string; privateKeyPem: string } {
  if (!keyPair) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    keyPair = {
      publicKeyDer: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }
  }
  return keyPair
}

let partnerPair: { publicKeyPem: string; privateKeyPem: string } | undefined

/**
 * The sandbox partner's RSA pair: what UNIONPAY_PRIVATE_KEY holds by default in sandbox mode,
 * and whose public half the sandbox platform has "on file" (3.1 后台加解密公钥).
 */
export function sandboxPartnerKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  if (!partnerPair) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    partnerPair = {
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }
  }
  return partnerPair
}
