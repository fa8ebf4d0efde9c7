import type { FeedRecord } from '../feeds/feed-record.ts'
import type { Indicator, RejectedRecord } from './indicator.ts'
import { indicatorKey } from './indicator-key.ts'
import { indicatorTypeOf } from './indicator-type-of.ts'
import { IndicatorValueError } from './indicator-value-error.ts'
import { normaliseConfidence } from './normalise-confidence.ts'
import { normaliseSeenRange } from './normalise-seen-range.ts'
import { normaliseValue } from './normalise-value.ts'
import { uniqueCaseInsensitive, uniqueExact } from './unique-strings.ts'

/** Family of a record that names none, as ThreatFox itself labels them. */
export const UNKNOWN_FAMILY = 'Unknown malware'

/** Threat type of a record that names none. */
export const UNKNOWN_THREAT_TYPE = 'unknown'

export interface NormaliseOptions {
  /** Records with a lower confidence (0-100) are rejected. */
  minConfidence?: number
}

/** The outcome for one record: exactly one of the two fields is set. */
export type NormaliseOutcome =
  | { indicator: Indicator; rejected?: undefined }
  | { indicator?: undefined; rejected: RejectedRecord }

/**
 * Turns one feed record into an indicator with a single origin, or into a
 * rejected record with the reason. The family and threat type are kept as
 * the feed wrote them, trimmed. A missing family becomes
 * {@link UNKNOWN_FAMILY} and a missing threat type {@link UNKNOWN_THREAT_TYPE}.
 * Only {@link IndicatorValueError} becomes a rejection, and any other error
 * propagates.
 */
export function normaliseRecord(
  record: FeedRecord,
  options: NormaliseOptions = {},
): NormaliseOutcome {
  try {
    return { indicator: buildIndicator(record, options) }
  } catch (error) {
    if (!(error instanceof IndicatorValueError)) throw error
    return { rejected: rejectRecord(record, error.reason) }
  }
}

function buildIndicator(
  record: FeedRecord,
  options: NormaliseOptions,
): Indicator {
  if (record.problem !== undefined) {
    throw new IndicatorValueError(record.problem)
  }

  const type = indicatorTypeOf(record.feedType)
  const normalised = normaliseValue(type, record.value)
  const seen = normaliseSeenRange(record.firstSeen, record.lastSeen)
  const confidence = normaliseConfidence(record.confidence)
  checkMinimumConfidence(confidence, options.minConfidence)

  const family = record.family?.trim() || UNKNOWN_FAMILY
  const { defanged, ...observable } = normalised
  const indicator: Indicator = {
    key: indicatorKey({ type, ...observable }, family),
    type,
    ...observable,
    family,
    aliases: uniqueCaseInsensitive(record.aliases),
    threatType: record.threatType?.trim() || UNKNOWN_THREAT_TYPE,
    ...seen,
    confidence,
    tags: uniqueCaseInsensitive(record.tags),
    references: uniqueExact(record.references),
    defanged,
    origins: [record.origin],
  }
  return withOptionalFields(indicator, record)
}

function withOptionalFields(
  indicator: Indicator,
  record: FeedRecord,
): Indicator {
  const malwareId = record.malwareId?.trim()
  if (malwareId) indicator.malwareId = malwareId
  if (record.isCompromised !== undefined) {
    indicator.isCompromised = record.isCompromised
  }
  return indicator
}

function checkMinimumConfidence(
  confidence: number,
  minConfidence: number | undefined,
): void {
  if (minConfidence === undefined || confidence >= minConfidence) return

  throw new IndicatorValueError(
    `confidence ${confidence} is below the minimum ${minConfidence}`,
  )
}

function rejectRecord(record: FeedRecord, reason: string): RejectedRecord {
  return {
    file: record.origin.file,
    recordId: record.origin.recordId,
    value: record.origin.rawValue,
    reason,
  }
}
