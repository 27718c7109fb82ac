/**
 * Seed 004's own notify / return page examples (1.8.5 and 1.9.5), as the literal request bodies
 * (the seed's line breaks are layout only). Their `sign` was made with a 通讯密钥 the seed does not
 * give, so tests re-sign them with a known key; the fields and their shape are the seed's.
 */
const billPayment = (buyerId: string) =>
  '{"totalAmount":1,"payTime":"2016-09-28 10:38:32","billBizType":"bills","targetOrderId":"4006652001201609285138635739",' +
  '"paySeqId":"00096057515N","invoiceAmount":1,"payDetail":"现金支付0.01元。","settleDate":"2016-09-28",' +
  `"buyerId":"${buyerId}","merOrderId":"100120160928381005022325873000","status":"TRADE_SUCCESS","targetSys":"WXPay"}`

const rest =
  '&billStatus=PAID&sign=3A57B71F0C4FE4CE4CD366078D9E6DE6&mid=123456789900080&billDate=2016-09-28' +
  '&billNo=1001201609283810050223258730&tid=12345080&billQRCode=https://mobl-test.chinaums.com/bills/qrCode.do?id=10001609284363805109837670&instMid=QRPAYDEFAULT'

/** Seed 1.8.5 结果页面返回 example (the query string). */
export const SEED_RETURN_BILLS = `billPayment=${billPayment('otdJ_uJ8xHjsMbqc-x9Ng9Dl6y0M')}${rest}`
/** Seed 1.9.5 支付结果通知 example (the form body; the seed's buyerId differs by one character). */
export const SEED_NOTIFY_BILLS = `billPayment=${billPayment('otdJ_uJ8xHjsMbqc-x9Ng9D16y0M')}${rest}`
/** The examples' merchant: mid, the order (billNo, 28 characters by the 1.1 rule) and its amount. */
export const SEED_BILLS_ORDER = {
  mid: '123456789900080',
  tid: '12345080',
  billNo: '1001201609283810050223258730',
  sourceId: '1001',
  amount: 1,
} as const

/** A form body / query string read the way fastify's parsers read it: raw text per key, '+' as space. */
export function formFields(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body))
}
