import { SANDBOX_UNIONPAY } from '../credentials.ts'
import { SANDBOX_ACP_MER_ID, sandboxAcpPki } from './pki.ts'

/** The UNIONPAY_ACP_* values of sandbox mode: the sandbox gateway's own PKI and merchant. */
export function sandboxAcpDefaults(baseUrl: string) {
  const pki = sandboxAcpPki()
  const [p1 = 'PLAN0001', p2 = 'PLAN0002'] = SANDBOX_UNIONPAY.contractPlans
  return {
    UNIONPAY_ACP_BASE_URL: baseUrl,
    UNIONPAY_ACP_MER_ID: SANDBOX_ACP_MER_ID,
    UNIONPAY_ACP_SIGN_CERT: pki.merchantPfxBase64,
    UNIONPAY_ACP_SIGN_CERT_PASSWORD: pki.merchantPfxPassword,
    UNIONPAY_ACP_ROOT_CERT: pki.rootPem,
    UNIONPAY_ACP_MIDDLE_CERT: pki.middlePem,
    UNIONPAY_ACP_ENCRYPT_CERT: pki.initialEncrypt.certPem,
    // 单笔 50 元 / 单日 200 元, and 单笔 100 元 / 单日 500 元 (分).
    UNIONPAY_ACP_PLAN_LIMITS: `${p1}:5000:20000,${p2}:10000:50000`,
  }
}
