/** This build talks to the kit's upsdk stand-in (dev and sandbox builds), not the real upsdk.js. */
export const isStubBuild = import.meta.env.VITE_UPSDK_URL === 'stub'
