import { buildFeedRecord, joinIpAndPort } from '../build-feed-record.ts'
import type { FeedRecord } from '../feed-record.ts'
import type { FeedSource } from '../feed-source.ts'
import { ABUSECH_DEFAULT_CONFIDENCE } from './abusech-confidence.ts'

/** Feed name written into every origin of a Feodo Tracker record. */
export const FEODO_TRACKER_FEED = 'feodotracker'

/** One Feodo Tracker blocklist entry after a reader mapped its fields. */
export interface FeodoTrackerFields {
  ip?: string
  port?: string
  malware?: string
  /** `first_seen_utc` or `first_seen`, `YYYY-MM-DD HH:MM:SS` UTC. */
  firstSeen?: string
  /** `last_online`, a date `YYYY-MM-DD` without a time. */
  lastOnline?: string
  problem?: string
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/**
 * Builds the record of one Feodo Tracker entry: an `ip:port` botnet C2
 * indicator of the family in `malware`, with confidence
 * {@link ABUSECH_DEFAULT_CONFIDENCE} and the Feodo Tracker page of the host
 * as reference. An entry without an address or port keeps the value it has
 * and fails validation with the reason.
 */
export function buildFeodoTrackerRecord(
  fields: FeodoTrackerFields,
  source: FeedSource,
  recordId: string,
): FeedRecord {
  const ip = fields.ip ?? ''
  const value = fields.port === undefined ? ip : joinIpAndPort(ip, fields.port)
  return buildFeedRecord(FEODO_TRACKER_FEED, source, recordId, {
    feedType: 'ip:port',
    value,
    threatType: 'botnet_cc',
    family: fields.malware,
    firstSeen: fields.firstSeen,
    lastSeen: lastSeenOf(fields.firstSeen, fields.lastOnline),
    confidence: ABUSECH_DEFAULT_CONFIDENCE,
    references: ip === '' ? [] : [feodoTrackerHostPage(ip)],
    problem: fields.problem ?? missingFieldProblem(fields),
  })
}

function feodoTrackerHostPage(ip: string): string {
  return `https://feodotracker.abuse.ch/browse/host/${ip}/`
}

function missingFieldProblem(fields: FeodoTrackerFields): string | undefined {
  if (fields.ip === undefined) return 'the IP address is missing'
  if (fields.port === undefined) return 'the port is missing'
  return undefined
}

// `last_online` is a date only. Its start (00:00:00 UTC) is the earliest
// time it covers, but the C2 was online at first seen too, so on the day of
// first seen the later of the two is the last sighting.
function lastSeenOf(
  firstSeen: string | undefined,
  lastOnline: string | undefined,
): string | undefined {
  if (lastOnline === undefined || !DATE_ONLY.test(lastOnline)) {
    return lastOnline
  }
  if (firstSeen?.startsWith(lastOnline)) return firstSeen
  return `${lastOnline} 00:00:00`
}
