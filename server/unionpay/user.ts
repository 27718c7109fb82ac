import { DomainError } from '../errors.ts'
import { tdesDecrypt } from '../crypto/tdes.ts'
import type { UnionpayClient } from './client.ts'
import { UnionpayError } from './errors.ts'
import type { TokenManager } from './tokens.ts'

export interface UserApiInput {
  appId: string
  symmetricKey: string
  openId: string
  accessToken: string
}

export interface UserIdentity {
  realName: string
  /** 01 身份证, 03 护照, 04 回乡证, 05 台胞证 */
  certType: string
  certTypeName: string
  certId: string
}

const CERT_TYPES: Readonly<Record<string, string>> = { '01': '身份证', '03': '护照', '04': '回乡证', '05': '台胞证' }

/** Scope errors, missing mobile and expired accessTokens, as errors the front end can act on. */
export function mapUserInfoError(err: unknown, what: 'mobile' | 'identity'): unknown {
  if (!(err instanceof UnionpayError) || err.kind !== 'platform') return err
  const needed = what === 'mobile' ? 'upapi_mobile 或 upapi_auth' : 'upapi_auth'
  switch (err.resp) {
    case 'N62131':
    case 'S52131':
      return new DomainError(
        'forbidden',
        'SCOPE_NOT_GRANTED',
        `当前授权范围不允许读取${what === 'mobile' ? '手机号' : '实名信息'}（${err.resp}），需要用户授权 ${needed}`,
        {
          resp: err.resp,
          requiredScope: what === 'mobile' ? 'upapi_mobile' : 'upapi_auth',
        },
      )
    case 'N62135':
      return new DomainError('not_found', 'MOBILE_NOT_PROVIDED', '用户授权时没有提供手机号（N62135）')
    case 'N62136':
    case 'S52136':
      return new DomainError('not_found', 'NO_MOBILE', `该云闪付用户没有手机号（${err.resp}）`)
    case 'a31':
      return new DomainError('unauthenticated', 'ACCESS_TOKEN_EXPIRED', '云闪付授权已过期，请重新登录')
    default:
      return err
  }
}

function decrypt(value: unknown, field: string, key: string): string {
  if (value === undefined || value === null || value === '') return ''
  if (typeof value !== 'string') throw new DomainError('upstream', 'DECRYPT_FAILED', `云闪付返回的 ${field} 不是字符串`)
  try {
    return tdesDecrypt(value, key)
  } catch {
    throw new DomainError('upstream', 'DECRYPT_FAILED', `无法解密云闪付返回的 ${field}：请检查 UNIONPAY_SYMMETRIC_KEY`)
  }
}

async function callUserApi(
  client: UnionpayClient,
  tokens: TokenManager,
  api: 'user.mobile' | 'user.auth',
  i: UserApiInput,
): Promise<Record<string, unknown>> {
  try {
    return await tokens.withToken('backend', (backendToken) =>
      client.call(api, { appId: i.appId, backendToken, accessToken: i.accessToken, openId: i.openId }),
    )
  } catch (err) {
    throw mapUserInfoError(err, api === 'user.mobile' ? 'mobile' : 'identity')
  }
}

/** 5.2.1 user.mobile: the login mobile number, decrypted (3DES, symmetricKey). */
export async function fetchMobile(client: UnionpayClient, tokens: TokenManager, i: UserApiInput): Promise<string> {
  const params = await callUserApi(client, tokens, 'user.mobile', i)
  const mobile = decrypt(params.mobile, 'mobile', i.symmetricKey)
  if (!mobile) throw new DomainError('not_found', 'NO_MOBILE', '该云闪付用户没有手机号')
  return mobile
}

/** 5.2.2 user.auth: name and certificate, decrypted. */
export async function fetchIdentity(
  client: UnionpayClient,
  tokens: TokenManager,
  i: UserApiInput,
): Promise<UserIdentity> {
  const params = await callUserApi(client, tokens, 'user.auth', i)
  const certType = decrypt(params.certTp, 'certTp', i.symmetricKey)
  return {
    realName: decrypt(params.realName, 'realName', i.symmetricKey),
    certType,
    certTypeName: CERT_TYPES[certType] ?? (certType ? '其他证件' : ''),
    certId: decrypt(params.certId, 'certId', i.symmetricKey),
  }
}

/** Scopes under which user.mobile / user.auth answer (5.2.1, 5.2.2). */
export const MOBILE_SCOPES = ['upapi_mobile', 'upapi_auth', 'upapi_user'] as const
export const IDENTITY_SCOPES = ['upapi_auth', 'upapi_user'] as const
