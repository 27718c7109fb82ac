import type { UnionpayClient, PlatformParams } from './client.ts'
import { requireString } from './client.ts'
import { UnionpayError } from './errors.ts'
import type { TokenManager } from './tokens.ts'

/**
 * The 无感支付 back-end APIs of section 5.4 (contract.apply / relieve / status / info). Every one
 * carries appId + backendToken; none is signed or 3DES-encrypted (5.4.1–5.4.5 list no such field).
 */
export interface ContractApiDeps {
  client: UnionpayClient
  tokens: TokenManager
  appId: string
}

export interface ApplyResult {
  contractId: string
  /** As the platform echoes it; the seed's table says `operateTime`, its example `operationTime`. */
  operateTime: string | null
  contractCode: string | null
}

export interface RelieveResult {
  operateTime: string | null
}

export type PlatformContractStatus = 'signed' | 'relieved' | 'none'

export interface InfoResult {
  status: PlatformContractStatus
  contractId: string | null
  /** contractStatus as sent (空 / 1 / 3 / anything else). */
  raw: string
}

export interface StatusResult {
  /** Unfinished orders; null when the platform's answer is not a number. */
  unfinishedOrders: number | null
  /** Only a positive number means the user owes; a non-numeric answer is not "owing" (API list, 用户状态查询). */
  owing: boolean
  raw: string
}

/** 签约协议号: AN32 per 5.4.3.3 (the platform's are digits in practice, e.g. 6218400000002496717). */
const CONTRACT_ID = /^[A-Za-z0-9]{1,32}$/

function optionalString(params: PlatformParams, ...fields: string[]): string | null {
  for (const f of fields) {
    const v = params[f]
    if (typeof v === 'string' && v.trim() !== '') return v.trim()
    if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  }
  return null
}

export class ContractApi {
  constructor(private readonly deps: ContractApiDeps) {}

  private call(api: string, body: Record<string, string>): Promise<PlatformParams> {
    const { client, tokens, appId } = this.deps
    return tokens.withToken('backend', (backendToken) => client.call(api, { appId, backendToken, ...body }))
  }

  async apply(input: {
    accessToken: string
    openId: string
    planId: string
    contractCode: string
  }): Promise<ApplyResult> {
    const api = 'contract.apply'
    const params = await this.call(api, input)
    const contractId = requireString(api, params, 'contractId')
    if (!CONTRACT_ID.test(contractId)) throw new UnionpayError(api, 'PROTOCOL', 'contractId is not AN32', 'protocol')
    return {
      contractId,
      operateTime: optionalString(params, 'operateTime', 'operationTime'),
      contractCode: optionalString(params, 'contractCode'),
    }
  }

  async relieve(input: {
    openId: string
    contractId: string
    planId: string
    contractCode: string
  }): Promise<RelieveResult> {
    const params = await this.call('contract.relieve', input)
    return { operateTime: optionalString(params, 'operateTime', 'operationTime') }
  }

  async info(input: { openId: string; planId: string }): Promise<InfoResult> {
    const api = 'contract.info'
    const params = await this.call(api, input)
    const raw = optionalString(params, 'contractStatus') ?? ''
    const contractId = optionalString(params, 'contractId')
    if (contractId !== null && !CONTRACT_ID.test(contractId)) {
      throw new UnionpayError(api, 'PROTOCOL', 'contractId is not AN32', 'protocol')
    }
    if (raw === '1') {
      if (!contractId) throw new UnionpayError(api, 'PROTOCOL', 'signed contract without contractId', 'protocol')
      return { status: 'signed', contractId, raw }
    }
    if (raw === '3') return { status: 'relieved', contractId, raw }
    if (raw === '') return { status: 'none', contractId, raw }
    throw new UnionpayError(api, 'PROTOCOL', `unknown contractStatus ${raw}`, 'protocol')
  }

  async status(input: { openId: string }): Promise<StatusResult> {
    const params = await this.call('contract.status', input)
    const raw = optionalString(params, 'enable') ?? ''
    if (!/^\d{1,9}$/.test(raw)) return { unfinishedOrders: null, owing: false, raw }
    const n = Number(raw)
    return { unfinishedOrders: n, owing: n > 0, raw }
  }
}
