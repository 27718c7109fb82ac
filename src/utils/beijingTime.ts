/** Beijing time (UTC+8, no daylight saving) `yyyy-MM-dd HH:mm`, like every time the platforms show, whatever the phone's zone. */
export function beijingMinute(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
}
