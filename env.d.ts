/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Where upsdk.js is loaded from; the literal `stub` loads the kit's stand-in (dev and sandbox builds). */
  readonly VITE_UPSDK_URL: string
  /** Whether the loader may fetch the stub chunk for the `stub` setting: the demo's builds yes, the package's (kit/build) no. */
  readonly UPKIT_STUB_CHUNK: boolean
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}

declare module 'zepto' {
  const Zepto: unknown
  export default Zepto
}
