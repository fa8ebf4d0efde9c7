import { buildFeedRecord } from '../build-feed-record.ts'
import type { FeedRecord } from '../feed-record.ts'
import type { FeedSource } from '../feed-source.ts'
import { findIndicatorCandidates } from './find-indicator-candidates.ts'

/** Feed name written into every origin of a free-text record. */
export const FREE_TEXT_FEED = 'text'

/**
 * Confidence (0-100) of indicators found in free text unless
 * {@link FreeTextOptions.confidence} sets one: a report or a list gives no
 * confidence and nothing checked the extraction, so it is 50, the midpoint
 * that also marks a STIX indicator without `confidence` in huntpack.
 */
export const FREE_TEXT_DEFAULT_CONFIDENCE = 50

/** Fields that free text lacks, set by the caller. */
export interface FreeTextOptions {
  /** Malware family of every indicator; Unknown malware when unset. */
  family?: string
  /** ThreatFox threat type such as `botnet_cc`; `unknown` when unset. */
  threatType?: string
  /** Confidence from 0 to 100; {@link FREE_TEXT_DEFAULT_CONFIDENCE} when unset. */
  confidence?: number
  /**
   * First seen of every indicator, ISO 8601. Free text has no dates, so the
   * default is the time of reading.
   */
  firstSeen?: string
}

/**
 * Reads the indicators in free text, such as a report, a blog post or a
 * plain list of IOCs, one record per indicator found (see
 * {@link findIndicatorCandidates}). The record id is `line N` (1-based).
 * Returns an empty list when the text contains no indicator.
 */
export function readFreeText(
  text: string,
  source: FeedSource,
  options: FreeTextOptions = {},
): FeedRecord[] {
  const firstSeen = options.firstSeen ?? new Date().toISOString()
  const confidence = options.confidence ?? FREE_TEXT_DEFAULT_CONFIDENCE
  const records: FeedRecord[] = []
  for (const [index, line] of text.split('\n').entries()) {
    for (const candidate of findIndicatorCandidates(line)) {
      const record = buildFeedRecord(
        FREE_TEXT_FEED,
        source,
        `line ${index + 1}`,
        {
          ...candidate,
          family: options.family,
          threatType: options.threatType,
          firstSeen,
          confidence,
        },
      )
      records.push(record)
    }
  }
  return records
}
