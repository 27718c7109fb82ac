export { callUpsdk, toUpsdkError, type CallOptions } from './call'
export {
  createUpsdkClient,
  fetchUpsdkSignature,
  getUpsdkClient,
  notInAppError,
  setUpsdkClient,
  type PluginCallOptions,
  type UpsdkClient,
  type UpsdkClientOptions,
  type UpsdkClientState,
  type UpsdkConfigSignature,
  type UpsdkStatus,
} from './client'
export {
  currentEnvironment,
  detectEnvironment,
  isCloudpayUserAgent,
  type UpsdkBridge,
  type UpsdkEnvironment,
} from './env'
export { asUpsdkError, isUpsdkError, noBridgeError, UpsdkError, type UpsdkErrorSource } from './errors'
export { faqHint, faqHintForCode, type FaqHint } from './faq'
export { loadUpsdk, resetUpsdkLoader, type LoadUpsdkOptions } from './loader'
export {
  ALL_PLUGIN_NAMES,
  EXTRA_PLUGIN_NAMES,
  isPluginName,
  LISTENER_EVENTS,
  PLUGIN_NAMES,
  type PluginName,
} from './plugin-names'
export * as plugins from './plugins'
export type { UpsdkCallbacks, UpsdkConfigOptions, UpsdkGlobal } from './types'
export { appletAuth, whenPluginReady, type AppletOptions } from './applet'
