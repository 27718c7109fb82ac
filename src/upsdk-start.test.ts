import { afterEach, describe, expect, it, vi } from 'vitest'
import { STARTER_GLOBAL } from '@common/starter'
import { fetchSignatureWithStarter } from './upsdk-start'

const sig = { appId: 'app', timestamp: '1700000000', nonceStr: 'n', signature: 's' }
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const holder = window as unknown as Record<string, unknown>

describe('fetchSignatureWithStarter', () => {
  afterEach(() => {
    holder[STARTER_GLOBAL] = undefined
    vi.unstubAllGlobals()
  })

  it('uses the starter’s request once for its URL, then asks the server', async () => {
    const fetchMock = vi.fn(async () => json({ ...sig, nonceStr: 'fresh' }))
    vi.stubGlobal('fetch', fetchMock)
    holder[STARTER_GLOBAL] = { url: 'https://h5.example/a', response: Promise.resolve(json(sig)) }
    expect(await fetchSignatureWithStarter('https://h5.example/a')).toEqual(sig)
    expect(fetchMock).not.toHaveBeenCalled()
    expect((await fetchSignatureWithStarter('https://h5.example/a')).nonceStr).toBe('fresh')
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })

  it('asks again for another URL, after a network failure, and for an a20 retry', async () => {
    const fetchMock = vi.fn(async () => json(sig))
    vi.stubGlobal('fetch', fetchMock)
    holder[STARTER_GLOBAL] = { url: 'https://h5.example/a', response: Promise.resolve(json(sig)) }
    await fetchSignatureWithStarter('https://h5.example/b')
    holder[STARTER_GLOBAL] = { url: 'https://h5.example/a', response: Promise.resolve(null) }
    await fetchSignatureWithStarter('https://h5.example/a')
    holder[STARTER_GLOBAL] = { url: 'https://h5.example/a', response: Promise.resolve(json(sig)) }
    await fetchSignatureWithStarter('https://h5.example/a', sig)
    expect(fetchMock).toHaveBeenCalledTimes(3)
  })

  it('reports the starter’s error answer like any other', async () => {
    holder[STARTER_GLOBAL] = {
      url: 'https://h5.example/a',
      response: Promise.resolve(json({ error: { code: 'URL_NOT_ALLOWED', message: '不允许' } }, 400)),
    }
    await expect(fetchSignatureWithStarter('https://h5.example/a')).rejects.toMatchObject({
      code: 'URL_NOT_ALLOWED',
      source: 'server',
    })
  })
})
