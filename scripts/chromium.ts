/** Tokens the 云闪付 app appends to its WebView user agent. */
export const CLOUDPAY_UA_SUFFIX =
  ' (com.unionpay.chsp) (cordova 4.5.4) (updebug 0) (version 929) (UnionPay/1.0 CloudPay) (clientVersion 189) (language zh_CN) (upHtml) (walletMode 00)'

/** How the e2e tests and the bench launch Debian's Chromium (see ../shared/TOOLCHAIN.md). */
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
}
