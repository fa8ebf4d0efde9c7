import type { FeedRecord } from '../feed-record.ts'
import type { FeedSource } from '../feed-source.ts'

/** Feed name written into every origin of a ThreatFox record. */
export const THREATFOX_FEED = 'threatfox'

/**
 * One ThreatFox record after a reader has mapped its format's field names.
 * Fields the record lacks, or has as null, are undefined.
 */
export interface ThreatFoxFields {
  id?: string
  /** Value exactly as the feed wrote it. */
  value?: string
  type?: string
  threatType?: string
  /** Malpedia-style id such as `win.dcrat` (`malware` or `fk_malware`). */
  malwareId?: string
  /** `malware_printable`, for example `DCRat`. */
  family?: string
  aliases: string[]
  firstSeen?: string
  lastSeen?: string
  confidence?: number | string
  isCompromised?: boolean
  references: string[]
  tags: string[]
  problem?: string
}

/**
 * Builds the feed record of one ThreatFox record. The record id is the IOC
 * id, or `fallbackId` (such as `line 12`) when the record has none.
 */
export function toFeedRecord(
  fields: ThreatFoxFields,
  source: FeedSource,
  fallbackId: string,
): FeedRecord {
  const record: FeedRecord = {
    origin: {
      feed: THREATFOX_FEED,
      file: source.file,
      recordId: fields.id ?? fallbackId,
      rawValue: fields.value ?? '',
    },
    feedType: fields.type ?? '',
    value: fields.value ?? '',
    aliases: fields.aliases,
    tags: fields.tags,
    references: fields.references,
  }
  if (source.archiveEntry !== undefined) {
    record.origin.archiveEntry = source.archiveEntry
  }
  return withOptionalFields(record, fields)
}

function withOptionalFields(
  record: FeedRecord,
  fields: ThreatFoxFields,
): FeedRecord {
  const optional = {
    threatType: fields.threatType,
    family: fields.family,
    malwareId: fields.malwareId,
    firstSeen: fields.firstSeen,
    lastSeen: fields.lastSeen,
    confidence: fields.confidence,
    isCompromised: fields.isCompromised,
    problem: fields.problem,
  }
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(record, { [name]: value })
  }
  return record
}

/**
 * Converts a JSON field to text: null, missing and empty strings become
 * undefined, numbers and booleans their decimal or `true`/`false` text,
 * objects and arrays their JSON text.
 */
export function textOf(value: unknown): string | undefined {
  if (value === null || value === undefined || value === '') return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value)
  }
  return JSON.stringify(value)
}

/** Splits a comma-separated list such as `RemcosRAT,Remvio,Socmer`. */
export function splitCommaList(text: string | undefined): string[] {
  if (text === undefined) return []
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** Wraps one optional item, such as a ThreatFox `reference` URL, in a list. */
export function listOf(text: string | undefined): string[] {
  return text === undefined ? [] : [text]
}

/** Names the type of a parsed JSON value for a message, such as `an array`. */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

/** Reads a JSON confidence, keeping a number or text as the feed wrote it. */
export function confidenceOf(value: unknown): number | string | undefined {
  return typeof value === 'number' ? value : textOf(value)
}

/**
 * Reads a boolean written as JSON `true`/`false`, `1`/`0` or the CSV text
 * `True`/`False`. Anything else is undefined.
 */
export function booleanOf(value: unknown): boolean | undefined {
  const text = textOf(value)?.trim().toLowerCase()
  if (text === 'true' || text === '1') return true
  if (text === 'false' || text === '0') return false
  return undefined
}

/** Tells whether a parsed JSON value is an object and not an array. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
