/**
 * Known answers for the 云闪付开放平台 (seed 003). Plain literals only: shared by the production
 * tests and the sandbox tests, never computed from either side's code.
 */

/** Appendix 1 inputs of the upsdk.config signature. */
export const UPSDK_CONFIG_SIGNATURE = {
  params: {
    appId: 'a5949221470c4059b9b0b45a90c81527',
    nonceStr: 'Wm3WZYTPz0wzccnW',
    timestamp: '1414587457',
    url: 'http://mobile.xxx.com?params=value',
    frontToken: 'U72eJp21SkuzKRdUK+jyFw==',
  },
  /** Appendix 2's string1, exactly as printed. */
  string1:
    'appId=a5949221470c4059b9b0b45a90c81527&frontToken=U72eJp21SkuzKRdUK+jyFw==&nonceStr=Wm3WZYTPz0wzccnW&timestamp=1414587457&url=http://mobile.xxx.com?params=value',
  /** `printf '%s' "$string1" | openssl dgst -sha256`. */
  signature: '6e8a0d469cccccac18a958e1e16889a56bf0b4903739d23df83ae84c29421319',
  /** What appendix 2 prints; it does NOT reproduce from its own inputs (see DESIGN.md). */
  seedPrintedSignature: 'a4bb34a2b60aa34ec4f03754547ca3e39a80e628b9760323d10561997935bb42',
} as const

/** 5.1.1 backendToken / frontToken: `secret` is signed but never sent. */
export const TOKEN_SIGNATURE = {
  params: { appId: 'a5949221470c4059b9b0b45a90c81527', nonceStr: 'Wm3WZYTPz0wzccnW', timestamp: '1414587457' },
  secret: 'upkit-vector-secret',
  string1: 'appId=a5949221470c4059b9b0b45a90c81527&nonceStr=Wm3WZYTPz0wzccnW&secret=upkit-vector-secret&timestamp=1414587457',
  /** `printf '%s' "$string1" | openssl dgst -sha256`. */
  signature: 'db97ca98b377ea9d9a0311af31545d07d6ee707c43487870277344d4fc301301',
} as const

/** 2.4.2: DESede/ECB/PKCS5Padding, key in hex, base64 output. */
export const TDES = {
  keyHex: '0123456789abcdeffedcba9876543210a1b2c3d4e5f60718',
  plain: '13812345678',
  /** `printf '13812345678' | openssl enc -des-ede3 -K <keyHex> -nosalt | base64`. */
  cipherBase64: 'cTnzjWO6meDjK/hQ99T00A==',
} as const

/**
 * Appendix 5: the string SHA256withRSA signs — sorted keys, empty (or blank) values and
 * `symmetricKey` left out, `signature` itself not signed, raw values.
 */
export const NOTIFICATION_SIGN_STRING = {
  params: {
    appId: 'a5949221470c4059b9b0b45a90c81527',
    contractId: '123456789',
    openId: 'ab+/cd==',
    planId: 'PLAN0001',
    empty: '',
    blank: ' ',
    symmetricKey: 'not-signed',
    signature: 'not-signed-either',
  },
  string: 'appId=a5949221470c4059b9b0b45a90c81527&contractId=123456789&openId=ab+/cd==&planId=PLAN0001',
} as const
