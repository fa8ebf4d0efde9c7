import { buildFeedRecord } from '../build-feed-record.ts'
import type { FeedRecord } from '../feed-record.ts'
import type { FeedSource } from '../feed-source.ts'
import { ABUSECH_DEFAULT_CONFIDENCE } from './abusech-confidence.ts'
import { urlhausTagFamilies } from './urlhaus-tag-families.ts'

/** Feed name written into every origin of a URLhaus record. */
export const URLHAUS_FEED = 'urlhaus'

/** One URLhaus entry after a reader mapped its format's field names. */
export interface UrlhausFields {
  id?: string
  url?: string
  dateAdded?: string
  lastOnline?: string
  threat?: string
  tags: string[]
  urlhausLink?: string
  problem?: string
}

// URLhaus threat names mapped to ThreatFox threat types. URLhaus lists
// URLs that serve malware, which ThreatFox calls payload delivery.
const THREAT_TYPES = new Map([['malware_download', 'payload_delivery']])

/**
 * Builds the records of one URLhaus entry: one `url` record for each family
 * that {@link urlhausTagFamilies} finds in its tags, or one record without
 * a family (Unknown malware) when there is none or the entry has a
 * `problem`. The same URL under two
 * families becomes two indicators, one per hunting package. Confidence is
 * {@link ABUSECH_DEFAULT_CONFIDENCE} and the record id is the URLhaus id,
 * or `fallbackId` when the entry has none.
 */
export function buildUrlhausRecords(
  fields: UrlhausFields,
  source: FeedSource,
  fallbackId: string,
): FeedRecord[] {
  // A row that cannot be read is reported once, whatever its tags.
  const families =
    fields.problem === undefined ? urlhausTagFamilies(fields.tags) : []
  const recordFamilies = families.length === 0 ? [undefined] : families
  return recordFamilies.map((family) =>
    buildFeedRecord(URLHAUS_FEED, source, fields.id ?? fallbackId, {
      feedType: 'url',
      value: fields.url,
      threatType: threatTypeOf(fields.threat),
      family,
      firstSeen: fields.dateAdded,
      lastSeen: fields.lastOnline,
      confidence: ABUSECH_DEFAULT_CONFIDENCE,
      tags: fields.tags,
      references: fields.urlhausLink === undefined ? [] : [fields.urlhausLink],
      problem: fields.problem,
    }),
  )
}

function threatTypeOf(threat: string | undefined): string | undefined {
  if (threat === undefined) return undefined
  return THREAT_TYPES.get(threat) ?? threat
}
