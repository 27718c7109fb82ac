import { shallowReadonly, shallowRef } from 'vue'

/** A one-line notice that outlives a navigation (e.g. "已退出登录" on the page the user lands on). */
const message = shallowRef<string | null>(null)
let timer: ReturnType<typeof setTimeout> | undefined

export const flashMessage = shallowReadonly(message)

export function flash(text: string, ms = 4000): void {
  clearTimeout(timer)
  message.value = text
  timer = setTimeout(() => (message.value = null), ms)
}

export function dismissFlash(): void {
  clearTimeout(timer)
  message.value = null
}
