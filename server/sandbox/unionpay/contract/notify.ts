import type { SandboxContext } from '../../context.ts'
import { platformNonce, signAsPlatform } from '../../crypto/open-platform.ts'
import { beijingDashed } from '../../crypto/time.ts'
import { encodeQuery } from '../query.ts'
import type { SandboxContract, SentNotification } from './state.ts'

/** The 解约结果通知 as the platform sends it (5.4.3.4), signed with the platform's private key. */
export function relieveNotificationParams(
  c: Pick<SandboxContract, 'appId' | 'openId' | 'contractId' | 'relievedAt'>,
  now: number,
  privateKeyPem: string,
): Record<string, string> {
  const params: Record<string, string> = {
    appId: c.appId,
    timestamp: String(Math.floor(now / 1000)),
    nonceStr: platformNonce(),
    operateTime: beijingDashed(c.relievedAt ?? now),
    openId: c.openId,
    trid: '62009000052',
    contractId: c.contractId,
  }
  params.signature = signAsPlatform(params, privateKeyPem)
  return params
}

/** Delivers a 解约结果通知 to the app (GET query or JSON POST) and records what happened. */
export async function sendNotification(
  ctx: SandboxContext,
  c: Pick<SandboxContract, 'contractId'>,
  params: Record<string, string>,
  method: 'GET' | 'POST',
): Promise<SentNotification> {
  const url = `${ctx.appBaseUrl}/notify/unionpay/contract`
  const sent: SentNotification = {
    at: ctx.clock(),
    contractId: c.contractId,
    method,
    params,
    httpStatus: null,
    answer: '',
  }
  try {
    const res =
      method === 'GET'
        ? await fetch(`${url}?${encodeQuery(params)}`, { signal: AbortSignal.timeout(10_000) })
        : await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: JSON.stringify(params),
            signal: AbortSignal.timeout(10_000),
          })
    sent.httpStatus = res.status
    sent.answer = (await res.text()).slice(0, 500)
  } catch (err) {
    sent.answer = `network error: ${(err as Error).message}`
  }
  const log = ctx.contracts.notifications
  log.push(sent)
  if (log.length > 500) log.splice(0, log.length - 500)
  return sent
}
