export * from './types'
export * from './hex'
export * from './errors'
export * from './plugins'
export * from './listeners'
export {
  yesNo,
  normalizeAdapterState,
  normalizeCharacteristicValue,
  normalizeCharacteristics,
  normalizeConnectionState,
  normalizeDeviceList,
  normalizeServices,
  normalizeAdapterStateChange,
} from './normalize'
export * from './uuid'
export * from './beacon'
