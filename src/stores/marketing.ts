import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { ApiError, apiRequest } from '@/api/client'

export interface RedPacketAccount {
  status: string
  /** 分 */
  balance: number
  validBegin: string | null
  validEnd: string | null
}

export interface GiveResult {
  transNumber: string
  amount: number
  balanceBefore: number
  balanceAfter: number
  confirmed: boolean
}

export interface Chance {
  start: string
  end: string
  count: number
}

export type Award =
  | { kind: 'none'; drawDesc: string | null }
  | { kind: 'redPacket'; amount: number; name: string | null; drawDesc: string | null }
  | {
      kind: 'coupon'
      count: number
      couponName: string | null
      name: string | null
      endDate: string | null
      drawDesc: string | null
    }

/** 5.5.1: 140 units, a Chinese (non-ASCII) character counting 2. The server checks it again. */
export function pushUnits(text: string): number {
  let n = 0
  for (const ch of text) n += ch.charCodeAt(0) < 0x80 ? 1 : 2
  return n
}

const ADMIN_TOKEN_KEY = 'upkit.adminToken'

type Section = 'push' | 'balance' | 'give' | 'chances' | 'grant' | 'draw'

/** 消息推送, 红包 and 抽奖 for the demo page; every action is about the logged-in user. */
export const useMarketingStore = defineStore('marketing', () => {
  const busy = ref<Section | null>(null)
  const errors = ref<Partial<Record<Section, string>>>({})
  const account = shallowRef<RedPacketAccount | null>(null)
  const lastGive = shallowRef<GiveResult | null>(null)
  const chances = shallowRef<Chance[] | null>(null)
  const lastAward = shallowRef<Award | null>(null)
  const pushedAt = shallowRef<number | null>(null)
  const adminToken = ref(readToken())

  function readToken(): string {
    try {
      return sessionStorage.getItem(ADMIN_TOKEN_KEY) ?? ''
    } catch {
      return ''
    }
  }

  function setAdminToken(token: string) {
    adminToken.value = token.trim()
    try {
      sessionStorage.setItem(ADMIN_TOKEN_KEY, adminToken.value)
    } catch {
      /* private mode */
    }
  }

  async function act<T>(section: Section, fn: () => Promise<T>): Promise<T | null> {
    busy.value = section
    errors.value = { ...errors.value, [section]: undefined }
    try {
      return await fn()
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'UNKNOWN', String(err))
      errors.value = { ...errors.value, [section]: e.message }
      return null
    } finally {
      busy.value = null
    }
  }

  const admin = (): Record<string, string> => (adminToken.value ? { 'x-admin-token': adminToken.value } : {})

  const push = (content: string) =>
    act('push', async () => {
      await apiRequest('POST', '/api/marketing/push', { body: { content }, headers: admin() })
      pushedAt.value = Date.now()
    })

  const loadBalance = () =>
    act('balance', async () => {
      account.value = await apiRequest<RedPacketAccount>('GET', '/api/marketing/red-packet/balance', {
        headers: admin(),
      })
    })

  const give = (amount: number) =>
    act('give', async () => {
      const r = await apiRequest<GiveResult>('POST', '/api/marketing/red-packet', {
        body: { amount },
        headers: admin(),
      })
      lastGive.value = r
      if (account.value) account.value = { ...account.value, balance: r.balanceAfter }
    })

  const loadChances = () =>
    act('chances', async () => {
      chances.value = (await apiRequest<{ chances: Chance[] }>('GET', '/api/marketing/chances')).chances
    })

  const grant = (count: number) =>
    act('grant', async () => {
      chances.value = (
        await apiRequest<{ chances: Chance[] }>('POST', '/api/marketing/chances', { body: { count }, headers: admin() })
      ).chances
    })

  const draw = () =>
    act('draw', async () => {
      lastAward.value = (await apiRequest<{ award: Award }>('POST', '/api/marketing/draws')).award
      chances.value = (await apiRequest<{ chances: Chance[] }>('GET', '/api/marketing/chances')).chances
    })

  return {
    busy,
    errors,
    account,
    lastGive,
    chances,
    lastAward,
    pushedAt,
    adminToken,
    setAdminToken,
    push,
    loadBalance,
    give,
    loadChances,
    grant,
    draw,
  }
})
