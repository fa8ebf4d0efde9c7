import type { RecordOrigin } from '../indicators/indicator.ts'

/**
 * One record as a feed reader found it, before refanging and validation.
 * Readers fill the fields their format has and leave the rest undefined;
 * they never drop a record, because normalisation decides and reports.
 */
export interface FeedRecord {
  origin: RecordOrigin
  /** Feed's type name, for example ThreatFox `ip:port` or `sha256_hash`. */
  feedType: string
  /** Value as written in the feed (may be defanged). */
  value: string
  threatType?: string
  /** Family display name, for example `DCRat`. */
  family?: string
  malwareId?: string
  aliases: string[]
  /** Timestamp text as the feed wrote it; zone-less values are UTC. */
  firstSeen?: string
  lastSeen?: string
  /** Confidence as the feed wrote it; normalisation checks it is 0-100. */
  confidence?: number | string
  tags: string[]
  references: string[]
  /** ThreatFox `is_compromised`: the host is a compromised legitimate site. */
  isCompromised?: boolean
  /**
   * Structural problem the reader found in this record, such as a CSV row
   * with the wrong number of fields. Normalisation rejects the record with
   * this text as the reason.
   */
  problem?: string
}
