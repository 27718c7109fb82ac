import { ALL_PLUGIN_NAMES, type PluginName } from '../plugin-names'

/**
 * The cordova Service each plugin's action belongs to (UPSDK.md "Layers"). The action name is
 * the plugin's own name, except the two location plugins, which are `fetchNativeData` with
 * `type:'0'` (city) or `type:'1'` (GPS).
 */
const SERVICES: Record<string, readonly string[]> = {
  UPWebPay: ['pay'],
  UPWebBankCard: ['addBankCard'],
  UPWebBars: ['setNavigationBarTitle', 'setNavigationBarRightButton'],
  UPWebClosePage: ['closeWebApp'],
  UPWebUI: ['showFlashInfo', 'scanQRCode', 'chooseImage'],
  UPWalletPlugin: ['getLocationCity', 'getLocationGps', 'showSharePopup'],
  UPWebAccount: ['verifyPayPwd'],
  UPWebNativeInfo: [
    'chooseFileFromAlbum',
    'readAlbumData',
    'startAudioRecording',
    'stopAudioRecording',
    'readAudioRecordingData',
    'startVideoRecording',
    'readVideoRecordingData',
    'readFaceVideoData',
    'readFaceImageData',
  ],
  UPCarCodePlugin: ['navi', 'getScreenBrightness', 'setScreenBrightness', 'monitorScreenShot'],
  UPHceManagerPlugin: ['getHCEState', 'startHCE', 'stopHCE', 'onHCEMessage', 'sendHCEMessage', 'openNFCSetting'],
}

export const SDK_SERVICE = 'UPWebSdk'
export const BLUETOOTH_SERVICE = 'UPWPluginBluetooth'

const serviceOf = new Map<string, string>()
for (const [service, plugins] of Object.entries(SERVICES)) for (const p of plugins) serviceOf.set(p, service)
for (const p of ALL_PLUGIN_NAMES) if (!serviceOf.has(p)) serviceOf.set(p, BLUETOOTH_SERVICE)

/** Where a plugin call goes over the bridge: `cordova.exec(…, service, action, [params])`. */
export interface BridgeTarget {
  service: string
  action: string
  /** Fields the JS layer adds to the params (the location plugins' `type`). */
  extra?: Record<string, string>
}

export function bridgeTarget(plugin: PluginName): BridgeTarget {
  const service = serviceOf.get(plugin) ?? BLUETOOTH_SERVICE
  if (plugin === 'getLocationCity') return { service, action: 'fetchNativeData', extra: { type: '0' } }
  if (plugin === 'getLocationGps') return { service, action: 'fetchNativeData', extra: { type: '1' } }
  return { service, action: plugin }
}

/** The plugin a bridge call stands for (the inverse of `bridgeTarget`), used to name calls in the log and scripts. */
export function pluginOf(service: string, action: string, params: Record<string, unknown>): string {
  if (service === 'UPWalletPlugin' && action === 'fetchNativeData')
    return String(params.type) === '1' ? 'getLocationGps' : 'getLocationCity'
  return action
}
