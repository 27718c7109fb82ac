import type { ApiErrorBody, ApiErrorCode } from '@common/api'

/** Codes made here, not by the server: no answer, an answer that is not the API's, a bad value in it. */
export type ClientErrorCode = 'NETWORK' | 'UNKNOWN' | 'BAD_REDIRECT' | `HTTP_${number}`

/** An error answer of the kit's server (`ApiErrorBody`) with its HTTP status, or a client-side failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | ClientErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>

export interface ApiRequestOptions {
  /** Sent as JSON. */
  body?: unknown
  headers?: Record<string, string>
  /** @default globalThis.fetch */
  fetchFn?: FetchFn
}

/** JSON request to the kit's own API (same origin, cookies included); non-2xx becomes an ApiError. */
export async function apiRequest<T>(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  options: FetchFn | ApiRequestOptions = {},
): Promise<T> {
  const o: ApiRequestOptions = typeof options === 'function' ? { fetchFn: options } : options
  const fetchFn = o.fetchFn ?? ((i: string, init?: RequestInit) => fetch(i, init))
  const headers: Record<string, string> = { accept: 'application/json', ...o.headers }
  if (o.body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetchFn(url, {
      method,
      credentials: 'same-origin',
      headers,
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
    })
  } catch {
    throw new ApiError(0, 'NETWORK', '网络连接失败，请检查网络后重试')
  }
  let body: unknown = null
  try {
    body = await res.json()
  } catch {
    // empty or non-JSON body
  }
  if (res.ok) return body as T
  // Read defensively: a proxy or an old server may answer something else.
  const err = (body as { error?: Partial<Record<keyof ApiErrorBody['error'], unknown>> } | null)?.error
  throw new ApiError(
    res.status,
    typeof err?.code === 'string' && err.code ? (err.code as ApiErrorCode) : `HTTP_${res.status}`,
    typeof err?.message === 'string' ? err.message : `服务器返回 ${res.status}`,
    typeof err?.details === 'object' && err.details !== null ? (err.details as Record<string, unknown>) : {},
  )
}
