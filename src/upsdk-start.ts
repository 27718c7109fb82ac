import { STARTER_GLOBAL } from '@common/starter'
import type { UpsdkConfigSignature } from '@common/api'
import { fetchUpsdkSignature } from 'upkit/upsdk'

interface StartedRequest {
  url: string
  /** null when the request never got an answer (network): then the app asks again. */
  response: Promise<Response | null>
}

/**
 * `fetchSignature` for the upsdk client that uses, once, the request index.html's starter sent
 * while the bundle downloaded, when it was for the same URL and is not an a20 retry. Its answer
 * goes through the same checks and error mapping as any other.
 */
export function fetchSignatureWithStarter(url: string, rejected?: UpsdkConfigSignature): Promise<UpsdkConfigSignature> {
  const holder = window as unknown as Record<string, StartedRequest | undefined>
  const started = holder[STARTER_GLOBAL]
  holder[STARTER_GLOBAL] = undefined
  if (!started || rejected || started.url !== url) return fetchUpsdkSignature(url, {}, rejected)
  return fetchUpsdkSignature(url, {
    fetch: async (input, init) => (await started.response) ?? globalThis.fetch(input, init),
  })
}
