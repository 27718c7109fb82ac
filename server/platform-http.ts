/**
 * The transport skeleton shared by the platform clients (云闪付开放平台, 银商): POST a JSON text
 * with a timeout, read the reply, parse it as a JSON object. Each client keeps its own URL,
 * headers, signing and reply rules, and turns a failure here into its own typed error.
 */

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{
  status: number
  text(): Promise<string>
}>

/** Why a call produced no usable reply: no answer in time, no connection, or an unreadable body. */
export type TransportFailure =
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'network'; message: string }
  | { kind: 'not_json'; status: number }
  | { kind: 'not_object'; status: number }

export interface PostJsonInput {
  fetch: FetchLike
  url: string
  /** The exact JSON text sent (signatures may cover it). */
  body: string
  headers?: Record<string, string>
  timeoutMs: number
  /** Called once the reply's status line is in: the request has certainly reached the platform. */
  onAnswer?: () => Promise<void>
}

/** POSTs `body`; resolves to the reply's HTTP status and JSON object, or throws what `fail` makes of the failure. */
export async function postJson(
  i: PostJsonInput,
  fail: (failure: TransportFailure) => Error,
): Promise<{ status: number; reply: Record<string, unknown> }> {
  let status: number
  let text: string
  try {
    const res = await i.fetch(i.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', ...i.headers },
      body: i.body,
      signal: AbortSignal.timeout(i.timeoutMs),
    })
    status = res.status
    await i.onAnswer?.()
    text = await res.text()
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
    throw fail(
      timedOut
        ? { kind: 'timeout', timeoutMs: i.timeoutMs }
        : { kind: 'network', message: String((err as Error).message ?? err) },
    )
  }
  let reply: unknown
  try {
    reply = JSON.parse(text)
  } catch {
    throw fail({ kind: 'not_json', status })
  }
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) throw fail({ kind: 'not_object', status })
  return { status, reply: reply as Record<string, unknown> }
}
