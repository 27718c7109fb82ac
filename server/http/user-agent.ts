/** 云闪付's WebView adds one of these tokens to its user agent (appendix 8, no. 21). */
const CLOUDPAY_UA = /\(com\.unionpay\.(chsp|mobilepay)\)/

/** Whether a request comes from inside the 云闪付 app (the server's one reading of the UA). */
export function isCloudpayUserAgent(ua: string | undefined): boolean {
  return !!ua && CLOUDPAY_UA.test(ua)
}
