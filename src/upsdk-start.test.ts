import { afterEach, describe, expect, it, vi } from 'vitest'
import { STARTER_GLOBAL, STARTER_SCRIPT, withStarterUpsdkUrl } from '@common/starter'
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

describe('the inline starter (index.html)', () => {
  const IN_APP = 'Mozilla/5.0 (Linux; Android 13) (com.unionpay.chsp) (cordova 7.0.0) (updebug 0)'
  function runStarter(userAgent: string, attrs: Record<string, string>) {
    const script = document.createElement('script')
    for (const [k, v] of Object.entries(attrs)) script.setAttribute(k, v)
    vi.stubGlobal('navigator', { userAgent })
    const fetchMock = vi.fn(async () => json(sig))
    vi.stubGlobal('fetch', fetchMock)
    Object.defineProperty(document, 'currentScript', { configurable: true, get: () => script })
    try {
      new Function(STARTER_SCRIPT)()
    } finally {
      Object.defineProperty(document, 'currentScript', { configurable: true, get: () => null })
    }
    return fetchMock
  }
  const preloads = () =>
    [...document.head.querySelectorAll('link')].map((l) => `${l.rel} ${l.getAttribute('href') ?? ''}`)
  afterEach(() => {
    document.head.querySelectorAll('link').forEach((l) => l.remove())
    holder[STARTER_GLOBAL] = undefined
    vi.unstubAllGlobals()
  })

  it('inside 云闪付: signs the page URL and preloads Zepto and upsdk.js', () => {
    const fetchMock = runStarter(IN_APP, {
      'data-zepto': '/assets/zepto-abc.js',
      'data-upsdk': 'https://open.95516.com/s/open/js/upsdk.js',
    })
    expect(fetchMock).toHaveBeenCalledWith('/api/upsdk/config', expect.objectContaining({ method: 'POST' }))
    expect((holder[STARTER_GLOBAL] as { url: string }).url).toBe(location.href.split('#')[0])
    expect(preloads()).toEqual([
      'modulepreload /assets/zepto-abc.js',
      'preload https://open.95516.com/s/open/js/upsdk.js',
    ])
  })

  it('outside 云闪付: neither signs nor fetches Zepto or upsdk.js', () => {
    const fetchMock = runStarter('Mozilla/5.0 Chrome/120', {
      'data-zepto': '/assets/zepto-abc.js',
      'data-upsdk': 'https://open.95516.com/s/open/js/upsdk.js',
    })
    expect(fetchMock).not.toHaveBeenCalled()
    expect(holder[STARTER_GLOBAL]).toBeUndefined()
    expect(preloads()).toEqual([])
  })

  it('preloads no upsdk.js for the stub or a value that is not a URL', () => {
    runStarter(IN_APP, { 'data-upsdk': 'stub' })
    runStarter(IN_APP, { 'data-upsdk': '//evil.example/upsdk.js' })
    expect(preloads()).toEqual([])
    runStarter(IN_APP, { 'data-upsdk': '/upsdk.js' })
    expect(preloads()).toEqual(['preload /upsdk.js'])
  })
})

describe('withStarterUpsdkUrl (the server sets the run-time upsdk.js address)', () => {
  const built =
    '<head><script data-zepto="/assets/zepto-1.js" data-upsdk="https://open.95516.com/s/open/js/upsdk.js">(x)</script>'
  it('replaces the build-time address with the deployment’s', () => {
    expect(withStarterUpsdkUrl(built, 'https://cdn.example.com/upsdk.js?v=1&x="y"')).toBe(
      '<head><script data-zepto="/assets/zepto-1.js" data-upsdk="https://cdn.example.com/upsdk.js?v=1&amp;x=&quot;y&quot;">(x)</script>',
    )
  })
  it('drops it for the stub, and adds it to a sandbox build that had none', () => {
    const stubBuild = '<head><script data-zepto="/assets/zepto-1.js">(x)</script>'
    expect(withStarterUpsdkUrl(built, 'stub')).toBe(stubBuild)
    expect(withStarterUpsdkUrl(stubBuild, '/upsdk.js')).toBe(
      '<head><script data-upsdk="/upsdk.js" data-zepto="/assets/zepto-1.js">(x)</script>',
    )
    expect(withStarterUpsdkUrl('<head></head>', '/upsdk.js')).toBe('<head></head>')
  })
})
