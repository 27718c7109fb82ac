/**
 * Known answers for the 银商 gateway (seed 004). Plain literals only: shared by the production
 * tests and the sandbox tests, never computed from either side's code.
 */

/** Seed 1.8.4 签名示例: the params, the 通讯密钥 and both printed signatures (they reproduce). */
export const NOTIFY_SIGN = {
  key: 'fcAmtnx7MwismjWNhNKdHC44mNXtnEQeJkRrhKJwyrW2ysRR',
  params: {
    walletOption: 'SINGLE',
    billNo: '31940000201700002',
    billDate: '2017-06-26',
    sign: '2631915B7F7822C4B00A488A32E03764',
    requestTimestamp: '2017-06-26 17:28:02',
    instMid: 'QRPAYDEFAULT',
    msgSrc: 'WWW.TEST.COM',
    totalAmount: '1',
    goods: '[{"body":"微信二维码测试","price":"1","goodsName":"微信二维码测试","goodsId":"1","quantity":"1","goodsCategory":"TEST"}]',
    msgType: 'bills.getQRCode',
    mid: '898340149000005',
    tid: '88880001',
  },
  /** The seed's 待签名字符串 with the key appended (its line breaks are page layout only). */
  signString:
    'billDate=2017-06-26&billNo=31940000201700002&goods=[{"body":"微信二维码测试","price":"1","goodsName":"微信二维码测试","goodsId":"1","quantity":"1","goodsCategory":"TEST"}]' +
    '&instMid=QRPAYDEFAULT&mid=898340149000005&msgSrc=WWW.TEST.COM&msgType=bills.getQRCode&requestTimestamp=2017-06-26 17:28:02' +
    '&tid=88880001&totalAmount=1&walletOption=SINGLE' +
    'fcAmtnx7MwismjWNhNKdHC44mNXtnEQeJkRrhKJwyrW2ysRR',
  md5: '57F81BAF8E3BAE1190B26D6C733038AF',
  sha256: 'a9eced8dd8425d1fc4047cf94e672c69ed1073557ee831c51287341cfab0b21f',
} as const

/**
 * `Base64(HmacSHA256(appId + timestamp + nonce + SHA256_HEX(content), AppKey))` (seed 1.1.3),
 * computed with openssl:
 * `printf '%s' "$content" | openssl dgst -sha256` → contentSha256, then
 * `printf '%s' "$appId$timestamp$nonce$contentSha256" | openssl dgst -sha256 -hmac "$appKey" -binary | base64`.
 */
export const OPEN_SIGNATURE = {
  appId: '10037ca75e6125aa015e9e12a89b001b',
  appKey: 'upkitVectorAppKey0123456789',
  timestamp: '20170606135700',
  nonce: '99930a147f5353dd8a8f29a5329f37e9',
  content: '{"requestTimestamp":"2017-06-06 13:57:00","merOrderId":"101720170606135700001","totalAmount":1}',
  contentSha256: '1c663d0b4c47a005d5440cae8a966c7d42468f856d58823eaddef182f69d8e3c',
  signature: 'Ow0HqNlHYtzKSVwme8G/Nd+cjqIGG2zAhrzoulllMOg=',
  /** The same values as an `Authorization` header of a back-end call. */
  header:
    'OPEN-BODY-SIG AppId="10037ca75e6125aa015e9e12a89b001b", Timestamp="20170606135700", Nonce="99930a147f5353dd8a8f29a5329f37e9", Signature="Ow0HqNlHYtzKSVwme8G/Nd+cjqIGG2zAhrzoulllMOg="',
} as const

/** One instant in the gateway's two time formats (Beijing time, UTC+8). */
export const BEIJING_TIME = {
  epochMs: 1496728620000, // 2017-06-06T05:57:00Z
  compact: '20170606135700',
  dashed: '2017-06-06 13:57:00',
} as const

export interface DivisionCase {
  name: string
  totalAmount: number
  platformAmount: number
  subOrders?: ReadonlyArray<{ mid: string; totalAmount: number }>
  goods?: ReadonlyArray<{ goodsName: string; subMerchantId?: string; subOrderAmount?: number }>
  secureTransaction: boolean
  valid: boolean
}

const A = '988460101800202'
const B = '988460101800203'

/** Seed 1.1 分账 rules for an order (`divisionFlag` true), as accept/refuse cases. */
export const ORDER_DIVISION_CASES: readonly DivisionCase[] = [
  { name: 'subOrders + platformAmount = totalAmount', totalAmount: 1000, platformAmount: 200, subOrders: [{ mid: A, totalAmount: 500 }, { mid: B, totalAmount: 300 }], secureTransaction: false, valid: true },
  { name: 'subOrders + platformAmount ≠ totalAmount', totalAmount: 3, platformAmount: 1, subOrders: [{ mid: A, totalAmount: 1 }], secureTransaction: false, valid: false },
  { name: 'neither goods nor subOrders', totalAmount: 3, platformAmount: 3, secureTransaction: false, valid: false },
  { name: 'goods naming sub-merchants, Σ subOrderAmount = totalAmount', totalAmount: 3, platformAmount: 1, goods: [{ goodsName: 'a', subMerchantId: A, subOrderAmount: 2 }, { goodsName: 'b', subMerchantId: B, subOrderAmount: 1 }], secureTransaction: false, valid: true },
  { name: 'goods Σ subOrderAmount ≠ totalAmount', totalAmount: 3, platformAmount: 0, goods: [{ goodsName: 'a', subMerchantId: A, subOrderAmount: 2 }], secureTransaction: false, valid: false },
  { name: 'a goods element names a sub-merchant without subOrderAmount', totalAmount: 3, platformAmount: 0, goods: [{ goodsName: 'a', subMerchantId: A }, { goodsName: 'b', subMerchantId: B, subOrderAmount: 3 }], secureTransaction: false, valid: false },
  { name: 'goods carrying the split must all name a sub-merchant (每个元素中subMerchantId与subOrderAmount不能为空)', totalAmount: 3, platformAmount: 0, goods: [{ goodsName: 'a', subMerchantId: A, subOrderAmount: 2 }, { goodsName: 'b', subOrderAmount: 1 }], secureTransaction: false, valid: false },
  { name: 'goods naming no sub-merchant and no subOrders: nothing to divide', totalAmount: 3, platformAmount: 0, goods: [{ goodsName: 'a' }], secureTransaction: false, valid: false },
  { name: 'plain goods beside subOrders carrying the split', totalAmount: 3, platformAmount: 1, subOrders: [{ mid: A, totalAmount: 2 }], goods: [{ goodsName: 'a' }], secureTransaction: false, valid: true },
  { name: 'not together with secureTransaction', totalAmount: 3, platformAmount: 1, subOrders: [{ mid: A, totalAmount: 2 }], secureTransaction: true, valid: false },
  { name: 'more than 20 sub-merchants', totalAmount: 21, platformAmount: 0, subOrders: Array.from({ length: 21 }, (_, i) => ({ mid: `9884601018003${String(i).padStart(2, '0')}`, totalAmount: 1 })), secureTransaction: false, valid: false },
]

export interface RefundStep {
  refundAmount: number
  /** Absent: the request carries no platformAmount. */
  platformAmount?: number
  subOrders: ReadonlyArray<{ mid: string; totalAmount: number }>
  accepted: boolean
}

/**
 * Seed 1.3 分账 refunds, applied in order to a paid order of 1000 分 divided as platform 200,
 * A 500, B 300: the split is required, one sub-merchant at a time, Σ = refundAmount, a
 * sub-merchant of the order, and (cumulatively) within each share.
 */
export const REFUND_DIVISION = {
  order: { totalAmount: 1000, platformAmount: 200, subOrders: [{ mid: A, totalAmount: 500 }, { mid: B, totalAmount: 300 }] },
  steps: [
    { refundAmount: 100, subOrders: [{ mid: A, totalAmount: 100 }], accepted: false },
    { refundAmount: 300, platformAmount: 100, subOrders: [{ mid: A, totalAmount: 100 }, { mid: B, totalAmount: 100 }], accepted: false },
    { refundAmount: 300, platformAmount: 50, subOrders: [{ mid: A, totalAmount: 100 }], accepted: false },
    { refundAmount: 100, platformAmount: 0, subOrders: [{ mid: '988460101800299', totalAmount: 100 }], accepted: false },
    { refundAmount: 300, platformAmount: 100, subOrders: [{ mid: A, totalAmount: 200 }], accepted: true },
    { refundAmount: 100, platformAmount: 100, subOrders: [], accepted: true },
    { refundAmount: 1, platformAmount: 1, subOrders: [], accepted: false },
    { refundAmount: 301, platformAmount: 0, subOrders: [{ mid: B, totalAmount: 301 }], accepted: false },
    { refundAmount: 300, platformAmount: 0, subOrders: [{ mid: A, totalAmount: 300 }], accepted: true },
  ] satisfies RefundStep[],
} as const
