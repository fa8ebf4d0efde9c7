import type { Allowlist } from '../allowlist/allowlist.ts'
import type { Indicator } from '../indicators/indicator.ts'

/** An indicator left out of the hunts because an allow-list entry covers it. */
export interface SuppressedIndicator {
  indicator: Indicator
  /** Name of the list of the entry, for example `reserved ranges (cgnat)`. */
  list: string
  /** One sentence naming the entry and its source. */
  reason: string
}

/**
 * Splits indicators into those to hunt and those `allowlist` covers, keeping
 * the input order in both. Hash indicators are never covered.
 */
export function partitionAllowlisted(
  indicators: readonly Indicator[],
  allowlist: Allowlist,
): { hunted: Indicator[]; suppressed: SuppressedIndicator[] } {
  const hunted: Indicator[] = []
  const suppressed: SuppressedIndicator[] = []
  for (const indicator of indicators) {
    const match = allowlist.match({
      type: indicator.type,
      value: indicator.value,
      port: indicator.port,
      urlHost: indicator.url?.host,
    })
    if (match === undefined) {
      hunted.push(indicator)
    } else {
      suppressed.push({
        indicator,
        list: match.entry.list,
        reason: match.reason,
      })
    }
  }
  return { hunted, suppressed }
}
