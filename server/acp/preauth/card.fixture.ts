import { expect } from 'vitest'
import { TEST_CARDS } from '../../sandbox/acp/nojump/cards.ts'
import type { TestServer } from '../../test/harness.ts'
import type { Json } from '../../test/json-api.ts'

/** A signed-in user of the test server (a session cookie for `openId`). */
export const userCookie = async (s: TestServer, openId: string) =>
  `upkit_sid=${(await s.ctx.sessions.create({ openId, scope: 'upapi_base' })).id}`

/** JSON call as the user of `cookie`. */
export async function callAs(s: TestServer, cookie: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${s.baseUrl}${path}`, {
    method,
    headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return { status: r.status, json: (await r.json()) as Json }
}

/** A sandbox test card opened the way a user opens it (SMS code, then the back-end open): its binding id. */
export async function openedCard(s: TestServer, cookie: string, card = TEST_CARDS[0]!): Promise<string> {
  const fields = { pan: card.pan, phone: card.phone, cvn2: card.cvn2, expired: card.expired }
  const sms = await callAs(s, cookie, 'POST', '/api/nojump/cards/sms', fields)
  expect(sms.status, JSON.stringify(sms.json)).toBe(200)
  const peek = (await (await fetch(`${s.baseUrl}/sandbox/acp/nojump/sms/${sms.json.smsRef}`)).json()) as Json
  const open = await callAs(s, cookie, 'POST', `/api/nojump/cards/${sms.json.bindingId}/open`, {
    ...fields,
    smsCode: peek.code,
  })
  expect(open.json.status, JSON.stringify(open.json)).toBe('ACTIVE')
  return sms.json.bindingId as string
}
