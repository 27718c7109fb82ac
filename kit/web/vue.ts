/**
 * `upkit/vue`: the Vue plugin and composables over `upkit/upsdk`. `createUpsdk` and `useUpsdk`
 * keep the upsdk state in the app (`useSdkStore`, a reactive object); `useAuth` and `usePay` keep
 * theirs in Pinia stores (install Pinia before a component calls them).
 */
export { createUpsdk, UPSDK_CLIENT_KEY, type UpsdkPluginOptions } from '@/composables/upsdkPlugin'
export { useUpsdk, type UseUpsdkOptions, type UseUpsdkReturn } from '@/composables/useUpsdk'
export {
  useBluetooth,
  type BleLogEntry,
  type BluetoothStatus,
  type ScannedDevice,
  type UseBluetoothOptions,
  type UseBluetoothReturn,
} from '@/composables/useBluetooth'
export { useHce, type HceCommand, type HceLogEntry, type UseHceOptions, type UseHceReturn } from '@/composables/useHce'
export { usePay, type PayPhase, type SdkOutcome, type UsePayOptions, type UsePayReturn } from '@/composables/usePay'
export { authorizeUrl, useAuth, type AuthScope, type UseAuthOptions, type UseAuthReturn } from '@/composables/useAuth'
export { useRightButton, type UseRightButtonOptions, type UseRightButtonReturn } from '@/composables/useRightButton'
export { useScreenShot, type UseScreenShotOptions, type UseScreenShotReturn } from '@/composables/useScreenShot'
export { useSdkStore, type SdkStore } from '@/stores/sdk'
