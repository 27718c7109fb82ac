import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, REAL_CHINAUMS_BASE_URL, REAL_UNIONPAY_OPEN_BASE_URL } from './config.ts'

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env)
  } catch (e) {
    if (e instanceof ConfigError) return e.problems
    throw e
  }
  return []
}

describe('loadConfig', () => {
  it('defaults to sandbox mode with the built-in sandbox when no credentials are set', () => {
    const c = loadConfig({})
    expect(c.sandbox).toBe(true)
    expect(c.port).toBe(8787)
    expect(c.host).toBe('127.0.0.1')
    expect(c.publicBaseUrl).toBe('http://127.0.0.1:8787')
    expect(c.unionpay.baseUrl).toBe('http://127.0.0.1:8787/sandbox/unionpay')
    expect(c.chinaums.baseUrl).toBe('http://127.0.0.1:8787/sandbox/chinaums')
    expect(c.unionpay.upsdkAllowedOrigins).toEqual(['http://127.0.0.1:8787'])
    expect(c.unionpay.callsPerMinute).toBe(1000)
    expect(c.databaseUrl).toBe('sqlite:./data/upkit.db')
    expect(c.unionpay.publicKey).toBeTruthy()
    expect(c.maxUnpaidOrders).toBe(10)
  })

  it('takes the unpaid-order limit from PAY_MAX_UNPAID_ORDERS and refuses one that is not a positive integer', () => {
    expect(loadConfig({ PAY_MAX_UNPAID_ORDERS: '50' }).maxUnpaidOrders).toBe(50)
    for (const bad of ['0', '-1', '2.5', 'many'])
      expect(problemsOf({ PAY_MAX_UNPAID_ORDERS: bad }).map((p) => p.split(':')[0])).toEqual(['PAY_MAX_UNPAID_ORDERS'])
  })

  it('leaves sandbox mode once an appId is configured and then requires every credential, one line each', () => {
    const problems = problemsOf({ UNIONPAY_APP_ID: 'app' })
    expect(problems).toEqual(
      expect.arrayContaining([
        'UNIONPAY_SECRET: required when SANDBOX=0',
        'UNIONPAY_SYMMETRIC_KEY: required when SANDBOX=0',
        'CHINAUMS_APP_ID: required when SANDBOX=0',
        'CHINAUMS_MD5_KEY: required when SANDBOX=0',
      ]),
    )
    expect(problems.some((p) => p.startsWith('UNIONPAY_APP_ID'))).toBe(false)
  })

  it('uses the real platforms outside sandbox mode', () => {
    const c = loadConfig({
      UNIONPAY_APP_ID: 'app',
      UNIONPAY_SECRET: 's',
      UNIONPAY_SYMMETRIC_KEY: '0123456789abcdef0123456789abcdef',
      CHINAUMS_APP_ID: 'a',
      CHINAUMS_APP_KEY: 'k',
      CHINAUMS_MD5_KEY: 'm',
      CHINAUMS_MID: '898340149000005',
      CHINAUMS_TID: '88880001',
      CHINAUMS_SOURCE_ID: '1017',
      PUBLIC_BASE_URL: 'https://h5.example.com/',
    })
    expect(c.sandbox).toBe(false)
    expect(c.unionpay.baseUrl).toBe(REAL_UNIONPAY_OPEN_BASE_URL)
    expect(c.chinaums.baseUrl).toBe(REAL_CHINAUMS_BASE_URL)
    expect(c.publicBaseUrl).toBe('https://h5.example.com')
    expect(c.secureCookies).toBe(true)
    expect(c.unionpay.upsdkAllowedOrigins).toEqual(['https://h5.example.com'])
  })

  it('outside the sandbox PUBLIC_BASE_URL must be https unless its host is loopback', () => {
    const real = {
      UNIONPAY_APP_ID: 'app',
      UNIONPAY_SECRET: 's',
      UNIONPAY_SYMMETRIC_KEY: '0123456789abcdef0123456789abcdef',
      CHINAUMS_APP_ID: 'a',
      CHINAUMS_APP_KEY: 'k',
      CHINAUMS_MD5_KEY: 'm',
      CHINAUMS_MID: '898340149000005',
      CHINAUMS_TID: '88880001',
      CHINAUMS_SOURCE_ID: '1017',
    }
    expect(problemsOf({ ...real, PUBLIC_BASE_URL: 'http://h5.example.com' })).toEqual([
      'PUBLIC_BASE_URL: must be https outside the sandbox (the platform only opens https pages; plain http only for a loopback host)',
    ])
    for (const ok of [
      'https://h5.example.com',
      'http://127.0.0.1:8787',
      'http://localhost:8787',
      'http://[::1]:8787',
    ]) {
      expect(problemsOf({ ...real, PUBLIC_BASE_URL: ok })).toEqual([])
    }
    expect(problemsOf({ SANDBOX: '1', PUBLIC_BASE_URL: 'http://192.168.1.20:8787' })).toEqual([])
  })

  it('names each malformed variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      PUBLIC_BASE_URL: 'ftp://x',
      UNIONPAY_SYMMETRIC_KEY: 'xyz',
      DATABASE_URL: 'mysql://x',
      REDIS_URL: 'http://x',
      UNIONPAY_CALLS_PER_MINUTE: '5000',
      CHINAUMS_SOURCE_ID: '12',
    })
    const names = problems.map((p) => p.split(':')[0])
    expect(names).toEqual(
      expect.arrayContaining([
        'PORT',
        'PUBLIC_BASE_URL',
        'UNIONPAY_SYMMETRIC_KEY',
        'DATABASE_URL',
        'REDIS_URL',
        'UNIONPAY_CALLS_PER_MINUTE',
        'CHINAUMS_SOURCE_ID',
      ]),
    )
  })

  it('rejects allowed origins that are not bare origins', () => {
    expect(problemsOf({ UPSDK_ALLOWED_ORIGINS: 'https://a.com,https://b.com/path' })).toEqual([
      'UPSDK_ALLOWED_ORIGINS: "https://b.com/path" is not an http(s) origin (scheme://host[:port])',
    ])
  })
})

describe('loadConfig error reporting', () => {
  it('reports malformed and missing variables together and never echoes values', () => {
    const secretish = 'NOT-HEX-super-secret-value'
    const problems = problemsOf({ UNIONPAY_APP_ID: 'app', PORT: 'abc', UNIONPAY_SYMMETRIC_KEY: secretish })
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['PORT', 'UNIONPAY_SYMMETRIC_KEY', 'UNIONPAY_SECRET', 'CHINAUMS_APP_KEY']),
    )
    expect(problems.join('\n')).not.toContain(secretish)
  })
})

describe('RSA keys in the configuration', () => {
  it('refuses unreadable keys at start, naming the variable', () => {
    const problems = problemsOf({
      SANDBOX: '1',
      UNIONPAY_PUBLIC_KEY: 'bm90IGEga2V5',
      UNIONPAY_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----',
    })
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['UNIONPAY_PRIVATE_KEY', 'UNIONPAY_PUBLIC_KEY'])
  })
})
