/**
 * The text a page shows for something it caught: the error's own message — the API client's
 * `ApiError` carries the server's Chinese message (its code stays on the error), an `UpsdkError`
 * upsdk's message or the kit's Chinese explanation — else `fallback`, else the thrown value as text.
 */
export function errorText(e: unknown, fallback?: string): string {
  if (e instanceof Error) return e.message || (fallback ?? '操作失败，请重试')
  return fallback ?? String(e)
}
