import { SANDBOX_PLANS } from '../unionpay/contract/state.ts'
import { SANDBOX_ACP_MER_ID, sandboxAcpPki } from './pki.ts'

/** "200.00 元" → 20000 分 */
const fen = (s: string) => Math.round(Number.parseFloat(s) * 100)

/**
 * The UNIONPAY_ACP_* values of sandbox mode: the sandbox gateway's own PKI and merchant, and per
 * plan the single/daily limits the sandbox sign page shows the user.
 */
export function sandboxAcpDefaults(baseUrl: string) {
  const pki = sandboxAcpPki()
  return {
    UNIONPAY_ACP_BASE_URL: baseUrl,
    UNIONPAY_ACP_FILE_BASE_URL: `${baseUrl}/filedownload`,
    UNIONPAY_ACP_MER_ID: SANDBOX_ACP_MER_ID,
    UNIONPAY_ACP_SIGN_CERT: pki.merchantPfxBase64,
    UNIONPAY_ACP_SIGN_CERT_PASSWORD: pki.merchantPfxPassword,
    UNIONPAY_ACP_ROOT_CERT: pki.rootPem,
    UNIONPAY_ACP_MIDDLE_CERT: pki.middlePem,
    UNIONPAY_ACP_ENCRYPT_CERT: pki.initialEncrypt.certPem,
    // The test environment's fixed token requestor id (public 无跳转 demos: "测试环境固定trId=62000000001").
    UNIONPAY_ACP_TR_ID: '62000000001',
    UNIONPAY_ACP_PLAN_LIMITS: SANDBOX_PLANS.map((p) => `${p.planId}:${fen(p.singleLimit)}:${fen(p.dailyLimit)}`).join(
      ',',
    ),
  }
}
