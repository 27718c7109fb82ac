import { SANDBOX_UNIONPAY } from '../sandbox/credentials.ts'
import type { SandboxContext } from '../sandbox/context.ts'
import type { Db } from '../store/db.ts'

let n = 0
/**
 * A signed 无感支付 contract on both sides, as the sign flow leaves it: our `contracts` row and
 * the sandbox platform's record (tests that are not about signing start from here).
 */
export function seedSignedContract(
  db: Db,
  sandbox: SandboxContext,
  opts: { openId?: string; planId?: string; appId?: string } = {},
): { contractId: string; openId: string; planId: string } {
  n++
  const contractId = `62184${Date.now() % 1e9}${String(n).padStart(4, '0')}`
  const openId = opts.openId ?? `openid+/${n}=`
  const planId = opts.planId ?? SANDBOX_UNIONPAY.contractPlans[0]
  const appId = opts.appId ?? SANDBOX_UNIONPAY.appId
  const now = Date.now()
  db.prepare(
    "INSERT INTO contracts (contract_code, app_id, open_id, plan_id, contract_id, status, created_at, updated_at, signed_at) VALUES (?, ?, ?, ?, ?, 'signed', ?, ?, ?)",
  ).run(`CC${contractId}`, appId, openId, planId, contractId, now, now, now)
  sandbox.contracts.contracts.set(contractId, {
    contractId,
    contractCodes: [`CC${contractId}`],
    appId,
    openId,
    planId,
    status: '1',
    signedAt: now,
    relievedAt: null,
    relievedBy: null,
  })
  return { contractId, openId, planId }
}
