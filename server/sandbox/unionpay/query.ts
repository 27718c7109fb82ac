/** `k=v&...` with every key and value through encodeURIComponent (spaces as %20, `+` as %2B), as the platform writes them. */
export function encodeQuery(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')
}
