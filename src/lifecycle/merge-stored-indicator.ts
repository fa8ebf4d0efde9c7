import type { Indicator, RecordOrigin } from '../indicators/indicator.ts'
import { mergeIndicator } from '../indicators/merge-indicator.ts'

/**
 * Merges an indicator read in a new run into the stored one with the same
 * key. Seen times, tags, aliases and references merge as within one ingest
 * (earliest first seen, latest last seen, unions). Confidence and threat
 * type come from the new run, because feeds revise them and the state
 * should follow. Origins are deduplicated by feed and record id, the new
 * run's copy replacing the old, so a record fetched every hour does not
 * grow the list.
 */
export function mergeStoredIndicator(
  stored: Indicator,
  incoming: Indicator,
): Indicator {
  return {
    ...mergeIndicator(stored, incoming),
    confidence: incoming.confidence,
    threatType: incoming.threatType,
    origins: mergeOrigins(stored.origins, incoming.origins),
  }
}

function originId(origin: RecordOrigin): string {
  return `${origin.feed}\u0000${origin.recordId}`
}

function mergeOrigins(
  stored: readonly RecordOrigin[],
  incoming: readonly RecordOrigin[],
): RecordOrigin[] {
  const byId = new Map<string, RecordOrigin>()
  for (const origin of stored) byId.set(originId(origin), origin)
  for (const origin of incoming) byId.set(originId(origin), origin)
  return [...byId.values()]
}

/**
 * Returns a string that changes exactly when the feed data of an indicator
 * changes: every field except `origins`, whose file paths change with every
 * download.
 */
export function feedDataFingerprint(indicator: Indicator): string {
  const { origins: _origins, ...data } = indicator
  // Sorted top-level keys, so a field added in another order compares equal.
  // Keys are unique, so the comparison never needs to return 0.
  const entries = Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1))
  return JSON.stringify(Object.fromEntries(entries))
}
