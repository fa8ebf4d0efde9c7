/**
 * Formats a time as ISO 8601 UTC to the second, `2026-04-11T19:37:36Z`,
 * the form indicators and the state use, so such strings sort in time order.
 */
export function toUtcTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`
}
