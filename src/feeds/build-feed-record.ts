import type { FeedRecord } from './feed-record.ts'
import type { FeedSource } from './feed-source.ts'

/** The fields of one record that a reader found; all are optional. */
export interface FeedRecordFields {
  feedType?: string
  value?: string
  /**
   * Value exactly as the feed wrote it, when it differs from `value`, as for
   * a MISP `domain|ip` attribute split in two. Defaults to `value`.
   */
  rawValue?: string
  threatType?: string
  family?: string
  malwareId?: string
  aliases?: string[]
  firstSeen?: string
  lastSeen?: string
  confidence?: number | string
  tags?: string[]
  references?: string[]
  problem?: string
}

/**
 * Builds the feed record of one record of `feed` (such as `misp`), read from
 * `source` under `recordId`. Missing text fields become empty strings and
 * missing lists empty lists, and optional fields that are undefined are left
 * out, so that records compare equal with `deepEqual`.
 */
export function buildFeedRecord(
  feed: string,
  source: FeedSource,
  recordId: string,
  fields: FeedRecordFields,
): FeedRecord {
  const value = fields.value ?? ''
  const record: FeedRecord = {
    origin: {
      feed,
      file: source.file,
      recordId,
      rawValue: fields.rawValue ?? value,
    },
    feedType: fields.feedType ?? '',
    value,
    aliases: fields.aliases ?? [],
    tags: fields.tags ?? [],
    references: fields.references ?? [],
  }
  if (source.archiveEntry !== undefined) {
    record.origin.archiveEntry = source.archiveEntry
  }

  const optional = {
    threatType: fields.threatType,
    family: fields.family,
    malwareId: fields.malwareId,
    firstSeen: fields.firstSeen,
    lastSeen: fields.lastSeen,
    confidence: fields.confidence,
    problem: fields.problem,
  }
  for (const [name, field] of Object.entries(optional)) {
    if (field !== undefined) Object.assign(record, { [name]: field })
  }
  return record
}

/**
 * Joins an address and a port into the `ip:port` form that normalisation
 * reads: `203.0.113.9:8080`, or `[2001:db8::1]:8080` for IPv6 so that the
 * port is never mistaken for the last group of the address.
 */
export function joinIpAndPort(address: string, port: string): string {
  const bracketed = address.includes(':') && !address.startsWith('[')
  const host = bracketed ? `[${address}]` : address
  return `${host}:${port}`
}
