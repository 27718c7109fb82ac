import { sigUuid } from '@/upsdk/bluetooth/uuid'

/** The sandbox door lock's UUIDs (see docs/bluetooth-hce.md for its protocol). */
export const DOOR_LOCK_UUIDS = { service: sigUuid('FFF0'), command: sigUuid('FFF1'), status: sigUuid('FFF2') } as const
