import type { SandboxContext } from '../../context.ts'
import { beijingCompact, beijingDashed } from '../../crypto/time.ts'
import { checkBackendToken, fail, missing, ok, type ApiReply, type ApiTable } from '../api.ts'
import { SANDBOX_PLANS } from './state.ts'

/** The checks every contract.* API makes first: fields, backendToken, permission, scripted failures. */
function gate(
  api: string,
  body: Record<string, unknown>,
  ctx: SandboxContext,
  rules: ReadonlyArray<readonly [string, string, string]>,
): ApiReply | null {
  const s = ctx.contracts
  const state = ctx.unionpay
  const m = missing(body, rules)
  if (m) return m
  const bad = checkBackendToken(body, state)
  if (bad) return bad
  if (!s.permitted)
    return fail('N62131', '无权限访问此接口（请检查授权联登上送scope是否正确，咨询业务人员是否具有该接口调用权限）')
  const scripted = s.failNext.get(api)
  if (scripted) {
    s.failNext.delete(api)
    return fail(scripted.resp, scripted.msg)
  }
  return null
}

const APP = ['appId', 'N62100', '商户appId不能为空'] as const
const TOKEN = ['backendToken', 'N62101', 'backendToken不能为空'] as const
const OPENID = ['openId', 'N62110', 'openId不能为空'] as const
const PLAN = ['planId', 'N62114', 'planId不能为空'] as const
const CODE = ['contractCode', 'N62113', 'contractCode不能为空'] as const
const CID = ['contractId', 'N62115', 'contractId不能为空'] as const

/** 5.4: contract.apply / relieve / info / status. */
export const contractApis: ApiTable = {
  'contract.apply'(body, ctx) {
    const { unionpay: state, contracts: s } = ctx
    const bad = gate('contract.apply', body, ctx, [
      APP,
      ['accessToken', 'N62109', 'accessToken不能为空'],
      OPENID,
      TOKEN,
      PLAN,
      CODE,
    ])
    if (bad) return bad
    const openId = String(body.openId)
    const planId = String(body.planId)
    const contractCode = String(body.contractCode)
    const token = state.accessTokenFor(body.accessToken, openId)
    if (!token) return fail('N62109', 'accessToken不合法、已过期或不属于该openId')
    if (token.scope !== 'upapi_contract') {
      return fail('N62131', '无权限访问此接口（请检查授权联登上送scope是否正确，咨询业务人员是否具有该接口调用权限）')
    }
    if (!SANDBOX_PLANS.some((p) => p.planId === planId))
      return fail('N62137', '获取签约商户信息异常：planId 不是本商户的签约模板')
    const agreed = [...state.codes.values()].some(
      (c) => c.used && c.openId === openId && c.planId === planId && c.scope === 'upapi_contract',
    )
    if (!agreed) return fail('N62137', '获取签约商户信息异常：用户未在签约页同意此签约模板')
    const now = state.clock()
    let c = s.find(openId, planId, '1')
    if (c) {
      if (!c.contractCodes.includes(contractCode)) c.contractCodes.push(contractCode)
    } else {
      c = {
        contractId: s.newContractId(),
        contractCodes: [contractCode],
        appId: state.app.appId,
        openId,
        planId,
        status: '1',
        signedAt: now,
        relievedAt: null,
        relievedBy: null,
      }
      s.contracts.set(c.contractId, c)
    }
    return ok({ contractCode, contractId: c.contractId, openId, operationTime: beijingCompact(now), planId })
  },
  'contract.relieve'(body, ctx) {
    const { unionpay: state, contracts: s } = ctx
    const bad = gate('contract.relieve', body, ctx, [APP, OPENID, TOKEN, CID, PLAN, CODE])
    if (bad) return bad
    const c = s.contracts.get(String(body.contractId))
    if (
      !c ||
      c.openId !== body.openId ||
      c.planId !== body.planId ||
      !c.contractCodes.includes(String(body.contractCode))
    ) {
      return fail(
        'N62137',
        '获取签约商户信息异常：签约关系不存在（contractId / openId / planId / contractCode 不匹配）',
      )
    }
    const now = state.clock()
    if (c.status === '1') {
      c.status = '3'
      c.relievedAt = now
      c.relievedBy = 'partner'
    }
    return ok({
      contractCode: String(body.contractCode),
      openId: c.openId,
      operationTime: beijingDashed(c.relievedAt ?? now),
      planId: c.planId,
    })
  },
  'contract.info'(body, ctx) {
    const s = ctx.contracts
    const bad = gate('contract.info', body, ctx, [APP, OPENID, TOKEN, PLAN])
    if (bad) return bad
    const c = s.find(String(body.openId), String(body.planId))
    return ok({ contractId: c?.contractId ?? '', contractStatus: c?.status ?? '' })
  },
  'contract.status'(body, ctx) {
    const s = ctx.contracts
    const bad = gate('contract.status', body, ctx, [APP, OPENID, TOKEN])
    if (bad) return bad
    return ok({ enable: s.unfinished.get(String(body.openId)) ?? '0' })
  },
}
