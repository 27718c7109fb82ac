/**
 * `upkit/stub`: the two-layer upsdk stand-in (simulated cordova side + the upsdk.js JS layer) for
 * a merchant's dev server and Playwright tests. Never import it from production code paths.
 */
export {
  createUpsdkStub,
  installUpsdkStub,
  type CordovaLike,
  type InstalledUpsdkStub,
  type NativeHandle,
  type StubCall,
  type StubConfigState,
  type StubHost,
  type StubScript,
  type StubStep,
  type UpsdkStub,
  type UpsdkStubHandle,
  type UpsdkStubOptions,
} from '@/upsdk/stub/index'
export { installStub } from './install-stub'
