/**
 * The data of an event the app fired. cordova's `fireDocumentEvent(type, data)` makes a plain
 * `Event` whose OWN properties are the data fields (`event.deviceId`, …; UPSDK.md "Listener
 * plugins and events"); a `CustomEvent`'s `detail` is read too, for other hosts.
 */
export function eventData(e: Event): unknown {
  const detail = (e as Partial<CustomEvent<unknown>>).detail
  if (detail !== undefined && detail !== null) return detail
  const own: Record<string, unknown> = {}
  for (const key of Object.keys(e)) if (key !== 'isTrusted') own[key] = (e as unknown as Record<string, unknown>)[key]
  return own
}
