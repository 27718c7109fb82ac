import type { UpsdkError } from './errors'

/** A readable explanation of an error code, after the spec's 附录八 常见问题解答. */
export interface FaqHint {
  /** Short title shown above the steps. */
  title: string
  /** What to check, in order. */
  steps: string[]
  /** The 附录八 question number(s) the hint is taken from, when it comes from there. */
  faq?: number[]
}

const CONFIG_CHECKS = [
  '检查时间戳、随机字符串与签名因子是否一致。',
  '检查 frontToken 是否在有效期内（有效期 2 小时）。',
  '检查页面地址是否在申请表中配置的 UPSDK 安全域名内。',
  '检查签名用的 url 是否就是当前网页地址（window.location.href，不含 # 及其后部分）。',
  '检查签名因子是否为 appId、nonceStr、timestamp、url、frontToken，按字典序拼接后做 sha256。',
]

const HINTS: Record<string, FaqHint> = {
  c00: {
    title: 'upsdk 参数错误',
    steps: ['检查调用参数的名称、个数和格式是否与文档一致（必填项不能为空，可选项不赋值时不要上送）。'],
    faq: [17],
  },
  c01: {
    title: 'upsdk.config 验签失败或请求非法',
    steps: [...CONFIG_CHECKS, '时间戳需为秒级，有效期 5 分钟。'],
    faq: [7, 11, 26],
  },
  c05: {
    title: '在 config 成功之前调用了插件',
    steps: ['所有插件都必须在 upsdk.ready 回调之后调用。', '单页应用切换路由后页面地址变了，需要重新 config。'],
    faq: [7],
  },
  c101: {
    title: '页面不是由云闪付加载的',
    steps: ['请在云闪付 App 内打开本页面。', '云闪付的 User-Agent 含有 com.unionpay.chsp 或 com.unionpay.mobilepay。'],
    faq: [21],
  },
  c102: { title: '云闪付版本过低', steps: ['请将云闪付升级到最新版本后重试。'], faq: [31] },
  a20: {
    title: 'frontToken 不合法或已过期',
    steps: [
      'frontToken 有效期 2 小时，服务器需在过期前刷新。',
      '不要让两个系统共用一套 appId 参数：获取新 token 会使旧 token 失效。',
    ],
    faq: [6, 14],
  },
  URL_ORIGIN_NOT_ALLOWED: {
    title: '页面地址不在 UPSDK 安全域名内',
    steps: [
      '检查上送的 url 是否在申请对接云闪付开放平台的申请表中配置的域名内。',
      '服务器端请在 UPSDK_ALLOWED_ORIGINS 中加入本页面的源。',
    ],
    faq: [26, 7],
  },
  URL_INVALID: {
    title: '页面地址不合法',
    steps: ['签名的 url 必须是完整的 http(s) 地址（window.location.href）。'],
    faq: [11],
  },
  URL_REQUIRED: { title: '缺少页面地址', steps: ['签名请求必须带上当前页面的完整地址。'], faq: [11] },
  not_in_app: {
    title: '请在云闪付 App 内打开',
    steps: [
      '本页面使用云闪付的 UPSDK 插件，只能在云闪付 App 内使用。',
      '用云闪付扫一扫打开本页面的二维码，或在云闪付中打开链接。',
    ],
    faq: [21],
  },
  timeout: {
    title: '云闪付没有应答',
    steps: [
      '请确认在云闪付 App 内打开（普通浏览器中 upsdk 不会应答）。',
      '检查网络后点击重试。',
      '若仍然失败，请升级云闪付到最新版本。',
    ],
    faq: [21],
  },
  load_failed: {
    title: 'upsdk.js 加载失败（upsdk is not defined）',
    steps: [
      '检查是否引用了 upsdk.js（https://open.95516.com/s/open/js/upsdk.js）。',
      '检查 Zepto（≥1.0）或 jQuery（≥1.4）是否先于 upsdk.js 引用。',
      '检查 upsdk 是否全小写。',
    ],
    faq: [2],
  },
  load_timeout: {
    title: 'upsdk.js 加载超时',
    steps: ['检查网络连接后点击重试。', '检查 upsdk.js 的地址是否可以访问。'],
    faq: [2],
  },
  not_available: {
    title: '当前 upsdk 不支持该插件',
    steps: ['upsdk 未加载或版本过旧，请升级云闪付后重试。'],
    faq: [2],
  },
  no_bridge: {
    title: '云闪付内，但页面无法连接 upsdk 桥',
    steps: [
      '云闪付的 User-Agent 需同时带有 (updebug N) 和 (cordova x.y.z) 或 (securitywebcache v) 标记，upsdk.js 才会启动。',
      '请从云闪付本身打开本页（首页入口、扫一扫或配置的链接），不要经由第三方浏览器内核、其他 App 或自建 WebView 打开。',
      '若仍然失败，请把云闪付升级到最新版本。',
    ],
    faq: [21],
  },
  bridge_not_ready: {
    title: '云闪付的插件桥没有就绪',
    steps: [
      '云闪付的 cordova 桥没有发出 deviceready，upsdk 的调用没有应答。',
      '请关闭页面后从云闪付重新打开；仍不行请升级云闪付。',
    ],
    faq: [21],
  },
  network: { title: '网络错误', steps: ['无法连接到服务器，请检查网络后重试。'] },
  server_error: { title: '服务器错误', steps: ['签名服务暂时不可用，请稍后重试。'], faq: [6] },
  bad_answer: { title: '云闪付的应答格式不正确', steps: ['请升级云闪付到最新版本后重试。'] },
  invalid_params: { title: '参数不合法', steps: ['调用前的参数检查未通过，请检查传入的参数。'], faq: [17] },
}

/** The 附录八 hint for an error code, or undefined when the code has none. */
export function faqHintForCode(code: string): FaqHint | undefined {
  return HINTS[code]
}

/** The hint for an error; falls back to a generic one so the page always explains something. */
export function faqHint(error: Pick<UpsdkError, 'code' | 'source'>): FaqHint {
  const hint = HINTS[error.code]
  if (hint) return hint
  if (error.source === 'server') return HINTS.server_error as FaqHint
  if (error.source === 'validation') return HINTS.invalid_params as FaqHint
  return { title: '调用失败', steps: ['请稍后重试；若问题持续，请截图错误码联系客服。'] }
}
