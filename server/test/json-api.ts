// Loosely typed answers: the tests assert the fields they read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>

/** `api(method, path, body?)` against a running test server: JSON in, status and JSON out. */
export function jsonApi(baseUrl: () => string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
    const r = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
    return { status: r.status, json: (await r.json()) as Json }
  }
}
