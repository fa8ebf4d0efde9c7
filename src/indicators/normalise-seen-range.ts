import { IndicatorValueError } from './indicator-value-error.ts'
import { normaliseTimestamp } from './normalise-timestamp.ts'

/** First and last seen of one record, ISO 8601 UTC, in order. */
export interface SeenRange {
  firstSeen: string
  lastSeen?: string
}

/**
 * Normalises first and last seen. ThreatFox sometimes reports a last seen
 * earlier than first seen, because first seen is the time of submission and
 * last seen can come from an earlier sighting. Both are real sightings, so
 * the earlier becomes first seen and the later last seen.
 *
 * @throws IndicatorValueError when first seen is missing or either
 *   timestamp is invalid.
 */
export function normaliseSeenRange(
  firstSeenText: string | undefined,
  lastSeenText: string | undefined,
): SeenRange {
  if (firstSeenText === undefined) {
    throw new IndicatorValueError('first seen is missing')
  }

  const firstSeen = normaliseTimestamp(firstSeenText)
  if (lastSeenText === undefined) return { firstSeen }

  const lastSeen = normaliseTimestamp(lastSeenText)
  // ISO 8601 UTC strings of one fixed width sort in time order.
  if (lastSeen < firstSeen) return { firstSeen: lastSeen, lastSeen: firstSeen }
  return { firstSeen, lastSeen }
}
