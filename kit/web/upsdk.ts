/**
 * `upkit/upsdk`: the framework-free browser client — loader, config handshake, a typed Promise
 * function for every plugin, BLE and HCE wrappers, errors, environment detection. No Vue.
 */
export * from '@/upsdk/index'
export * as bluetooth from '@/upsdk/bluetooth/index'
export * as hce from '@/upsdk/hce/index'
export type { UpsdkConfigSignature } from '@common/api'
