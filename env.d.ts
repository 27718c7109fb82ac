/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where upsdk.js is loaded from; the literal `stub` loads the kit's stand-in (dev and sandbox builds). */
  readonly VITE_UPSDK_URL: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}

declare module 'zepto' {
  const Zepto: unknown
  export default Zepto
}
