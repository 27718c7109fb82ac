/** Where an upsdk failure came from. */
export type UpsdkErrorSource =
  | 'sdk' // {errcode, errmsg} from upsdk.js itself (c00 bad params, c01 config failed, c05 before config, c101, c102)
  | 'native' // {code, msg} from the 云闪付 app
  | 'plugin' // a bare string or {msg} from a plugin's fail callback
  | 'timeout' // no answer in time (e.g. outside 云闪付, where the newest upsdk never answers)
  | 'environment' // not inside 云闪付, upsdk failed to load, ...
  | 'validation' // the kit refused the parameters before calling the bridge
  | 'server' // our own server answered an error (e.g. while signing upsdk.config)

/**
 * The one error type of the kit: every failed upsdk call, config, load or parameter check
 * rejects with an `UpsdkError` carrying a code, a readable message and the raw answer.
 */
export class UpsdkError extends Error {
  override readonly name = 'UpsdkError'

  constructor(
    readonly code: string,
    message: string,
    readonly source: UpsdkErrorSource,
    /** The answer exactly as upsdk / the server gave it. */
    readonly raw?: unknown,
    /** The plugin (or 'config', 'load') that failed. */
    readonly method?: string,
  ) {
    super(message)
  }
}

export function isUpsdkError(e: unknown): e is UpsdkError {
  return e instanceof UpsdkError
}
