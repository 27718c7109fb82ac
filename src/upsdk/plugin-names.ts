/** The 53 upsdk plugins of the spec (seed 003, 6.1), in the spec's order. */
export const PLUGIN_NAMES = [
  'pay',
  'addBankCard',
  'setNavigationBarTitle',
  'setNavigationBarRightButton',
  'closeWebApp',
  'showFlashInfo',
  'scanQRCode',
  'chooseImage',
  'getLocationCity',
  'verifyPayPwd',
  'getLocationGps',
  'showSharePopup',
  'chooseFileFromAlbum',
  'readAlbumData',
  'startAudioRecording',
  'stopAudioRecording',
  'readAudioRecordingData',
  'startVideoRecording',
  'readFaceVideoData',
  'readFaceImageData',
  'getScreenBrightness',
  'setScreenBrightness',
  'monitorScreenShot',
  'navi',
  'openBluetoothAdapter',
  'closeBluetoothAdapter',
  'getBluetoothAdapterState',
  'startBluetoothDevicesDiscovery',
  'stopBluetoothDevicesDiscovery',
  'getBluetoothDevices',
  'connectBLEDevice',
  'disconnectBLEDevice',
  'getConnectedBluetoothDevices',
  'getBLEDeviceServices',
  'getBLEDeviceCharacteristics',
  'writeBLECharacteristicValue',
  'readBLECharacteristicValue',
  'notifyBLECharacteristicValueChange',
  'registerBluetoothDeviceFound',
  'cancelBluetoothDeviceFound',
  'registerBLEConnectionStateChange',
  'cancelBLEConnectionStateChange',
  'registerBLECharacteristicValueChange',
  'cancelBLECharacteristicValueChange',
  'registerBluetoothAdapterStateChange',
  'cancelBluetoothAdapterStateChange',
  'openBluetoothSetting',
  'getHCEState',
  'startHCE',
  'stopHCE',
  'onHCEMessage',
  'sendHCEMessage',
  'openNFCSetting',
] as const

/**
 * Plugins documented in the spec's detail sections but missing from its 6.1 list:
 * `readVideoRecordingData` (6.17, the reader for `startVideoRecording`).
 */
export const EXTRA_PLUGIN_NAMES = ['readVideoRecordingData'] as const

/** Every plugin the kit types and the stub defines: the 53 of 6.1 plus the extras. */
export const ALL_PLUGIN_NAMES = [...PLUGIN_NAMES, ...EXTRA_PLUGIN_NAMES] as const

export type PluginName = (typeof ALL_PLUGIN_NAMES)[number]

export function isPluginName(name: string): name is PluginName {
  return (ALL_PLUGIN_NAMES as readonly string[]).includes(name)
}

/**
 * Listener plugins: upsdk.js attaches the given callback to a DOM event on `document` (one
 * handler per event: registering again replaces it) and the app raises that event.
 */
export const LISTENER_EVENTS = {
  registerBluetoothDeviceFound: {
    event: 'BluetoothDeviceFound',
    callback: 'callback',
    cancel: 'cancelBluetoothDeviceFound',
  },
  registerBLEConnectionStateChange: {
    event: 'BLEConnectionStateChange',
    callback: 'callback',
    cancel: 'cancelBLEConnectionStateChange',
  },
  registerBLECharacteristicValueChange: {
    event: 'BLECharacteristicValueChange',
    callback: 'callback',
    cancel: 'cancelBLECharacteristicValueChange',
  },
  registerBluetoothAdapterStateChange: {
    event: 'BluetoothAdapterStateChange',
    callback: 'callback',
    cancel: 'cancelBluetoothAdapterStateChange',
  },
  setNavigationBarRightButton: { event: 'rightbtnclick', callback: 'handler', cancel: undefined },
  monitorScreenShot: { event: 'screenShotAction', callback: 'success', cancel: undefined },
} as const satisfies Partial<Record<PluginName, { event: string; callback: string; cancel: PluginName | undefined }>>
