/**
 * The transport skeleton shared by the platform clients (云闪付开放平台, 银商, 全渠道): POST a
 * text with a timeout, read the reply up to a size limit; `postJson` also parses it as a JSON
 * object. Each client keeps its own URL, headers, signing and reply rules, and turns a failure
 * here into its own typed error.
 */

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{
  status: number
  text(): Promise<string>
  /** fetch's: a declared Content-Length over the limit is refused before the body is read. */
  headers?: { get(name: string): string | null }
  /** fetch's: read chunk by chunk, so a reply over the limit is cut off rather than held whole. */
  body?: ReadableStream<Uint8Array> | null
}>

/** Why a call produced no reply: no answer in time, no connection, or one too long to read. */
export type TransportFailure =
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'network'; message: string }
  | { kind: 'too_large'; status: number; maxBytes: number }

/** Why a JSON call produced no usable reply: a transport failure, or a reply that is not a JSON object. */
export type JsonReplyFailure =
  TransportFailure | { kind: 'not_json'; status: number } | { kind: 'not_object'; status: number }

/** The platforms' answers are a few KB: a reply past this is not one of them. */
export const DEFAULT_MAX_REPLY_BYTES = 1024 * 1024

export interface PostInput {
  fetch: FetchLike
  url: string
  /** The exact text sent (signatures may cover it). */
  body: string
  headers?: Record<string, string>
  timeoutMs: number
  /** Longest reply accepted, in bytes. @default DEFAULT_MAX_REPLY_BYTES */
  maxReplyBytes?: number
  /** Called once the reply's status line is in: the request has certainly reached the platform. */
  onAnswer?: () => Promise<void>
}

class ReplyTooLarge extends Error {}

/** The reply's text, refusing one longer than `maxBytes` (by its Content-Length, while reading, or once read). */
async function readReply(res: Awaited<ReturnType<FetchLike>>, maxBytes: number): Promise<string> {
  const declared = Number(res.headers?.get('content-length') ?? NaN)
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined)
    throw new ReplyTooLarge()
  }
  if (!res.body) {
    const text = await res.text()
    if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new ReplyTooLarge()
    return text
  }
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new ReplyTooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, size).toString('utf8')
}

/** POSTs `body` as given; resolves to the reply's HTTP status and text, or throws what `fail` makes of the failure. */
export async function postText(
  i: PostInput,
  fail: (failure: TransportFailure) => Error,
): Promise<{ status: number; text: string }> {
  const maxBytes = i.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES
  let status = 0
  try {
    const res = await i.fetch(i.url, {
      method: 'POST',
      headers: { ...i.headers },
      body: i.body,
      signal: AbortSignal.timeout(i.timeoutMs),
    })
    status = res.status
    await i.onAnswer?.()
    return { status, text: await readReply(res, maxBytes) }
  } catch (err) {
    if (err instanceof ReplyTooLarge) throw fail({ kind: 'too_large', status, maxBytes })
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')
    throw fail(
      timedOut
        ? { kind: 'timeout', timeoutMs: i.timeoutMs }
        : { kind: 'network', message: String((err as Error).message ?? err) },
    )
  }
}

/** POSTs the JSON text `body`; resolves to the reply's HTTP status and JSON object, or throws what `fail` makes of the failure. */
export async function postJson(
  i: PostInput,
  fail: (failure: JsonReplyFailure) => Error,
): Promise<{ status: number; reply: Record<string, unknown> }> {
  const { status, text } = await postText(
    { ...i, headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', ...i.headers } },
    fail,
  )
  let reply: unknown
  try {
    reply = JSON.parse(text)
  } catch {
    throw fail({ kind: 'not_json', status })
  }
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) throw fail({ kind: 'not_object', status })
  return { status, reply: reply as Record<string, unknown> }
}
