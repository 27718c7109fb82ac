import { SANDBOX_UNIONPAY } from '../sandbox/credentials.ts'
import type { SandboxContext } from '../sandbox/context.ts'
import type { Db } from '../store/kysely-db.ts'

let n = 0
/**
 * A signed 无感支付 contract on both sides, as the sign flow leaves it: our `contracts` row and
 * the sandbox platform's record (tests that are not about signing start from here).
 */
export async function seedSignedContract(
  db: Db,
  sandbox: SandboxContext,
  opts: { openId?: string; planId?: string; appId?: string } = {},
): Promise<{ contractId: string; openId: string; planId: string }> {
  n++
  const contractId = `62184${Date.now() % 1e9}${String(n).padStart(4, '0')}`
  const openId = opts.openId ?? `openid+/${n}=`
  const planId = opts.planId ?? SANDBOX_UNIONPAY.contractPlans[0]
  const appId = opts.appId ?? SANDBOX_UNIONPAY.appId
  const now = Date.now()
  await db
    .insertInto('contracts')
    .values({
      contract_code: `CC${contractId}`,
      app_id: appId,
      open_id: openId,
      plan_id: planId,
      contract_id: contractId,
      status: 'signed',
      created_at: now,
      updated_at: now,
      signed_at: now,
      operate_time: null,
      relieved_by: null,
      failure: null,
      lease_until: null,
      relieved_at: null,
    })
    .execute()
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
