import { defineStore } from 'pinia'
import { computed, shallowRef, watch } from 'vue'
import type { UpsdkClient, UpsdkStatus } from '@/upsdk/client'
import { currentEnvironment, type UpsdkEnvironment } from '@/upsdk/env'
import type { UpsdkError } from '@/upsdk/errors'
import type { FaqHint } from '@/upsdk/faq'

/** The upsdk state of the page, mirrored from the client for the UI. */
export const useSdkStore = defineStore('sdk', () => {
  const status = shallowRef<UpsdkStatus>('idle')
  const error = shallowRef<UpsdkError | undefined>()
  const env = shallowRef<UpsdkEnvironment>(currentEnvironment())
  const signedUrl = shallowRef<string | undefined>()
  const configCount = shallowRef(0)
  let client: UpsdkClient | undefined
  let unsubscribe: (() => void) | undefined

  const isReady = computed(() => status.value === 'ready')
  const isBusy = computed(() => status.value === 'loading' || status.value === 'configuring')
  /** The 附录八 answer for `error`: the FAQ text is its own chunk, fetched when an error first shows. */
  const hint = shallowRef<FaqHint | undefined>()
  watch(error, (e) => {
    if (!e) {
      hint.value = undefined
      return
    }
    void import('@/upsdk/faq').then(({ faqHint }) => {
      if (error.value === e) hint.value = faqHint(e)
    })
  })

  /** Follows `c`'s state from now on (the Vue plugin calls this once). */
  function bind(c: UpsdkClient): void {
    unsubscribe?.()
    client = c
    env.value = c.env
    const sync = () => {
      status.value = c.state.status
      error.value = c.state.error
      signedUrl.value = c.state.signedUrl
      configCount.value = c.state.configCount
    }
    sync()
    unsubscribe = c.subscribe(sync)
  }

  function isBoundTo(c: UpsdkClient): boolean {
    return client === c
  }

  /** Configures for the current URL (memoised by the client); failures land in `error`. */
  async function ensureReady(): Promise<boolean> {
    if (!client) return false
    try {
      await client.ready()
      return true
    } catch {
      return false
    }
  }

  return {
    status,
    error,
    env,
    signedUrl,
    configCount,
    isReady,
    isBusy,
    hint,
    bind,
    isBoundTo,
    ensureReady,
    retry: ensureReady,
  }
})
