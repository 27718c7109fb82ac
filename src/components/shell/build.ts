import { runtimeSettings } from '@/settings'

/** This page talks to the kit's upsdk stand-in (the server's run-time setting in sandbox mode, else the build's), not the real upsdk.js. */
export const isStubBuild = runtimeSettings().upsdkUrl === 'stub'
