import type { FeedRecord } from '../feed-record.ts'
import type { FeedSource } from '../feed-source.ts'
import {
  booleanOf,
  confidenceOf,
  describeJsonType,
  isJsonObject,
  listOf,
  splitCommaList,
  textOf,
  toFeedRecord,
  type ThreatFoxFields,
} from './threatfox-fields.ts'

/** ThreatFox JSON export: IOC id to the records reported under that id. */
export type ThreatFoxJsonExport = Record<string, unknown[]>

/**
 * Tells whether parsed JSON has the shape of a ThreatFox JSON export: an
 * object without `query_status` whose every value is an array.
 */
export function isThreatFoxJsonExport(
  json: unknown,
): json is ThreatFoxJsonExport {
  if (!isJsonObject(json) || 'query_status' in json) return false
  return Object.values(json).every((value) => Array.isArray(value))
}

/**
 * Reads every record of a ThreatFox JSON export. The record id is the IOC
 * id the record is listed under. Records come in JavaScript property order,
 * which puts integer-like ids first in ascending order. An entry that is
 * not an object becomes a record with a `problem`, so that it is reported.
 */
export function readThreatFoxJsonExport(
  json: ThreatFoxJsonExport,
  source: FeedSource,
): FeedRecord[] {
  const records: FeedRecord[] = []
  for (const [id, entries] of Object.entries(json)) {
    for (const entry of entries) {
      records.push(toFeedRecord(readExportEntry(id, entry), source, id))
    }
  }
  return records
}

function readExportEntry(id: string, entry: unknown): ThreatFoxFields {
  if (!isJsonObject(entry)) {
    const problem = `record is ${describeJsonType(entry)}, expected a JSON object`
    return { id, aliases: [], references: [], tags: [], problem }
  }

  return {
    id,
    value: textOf(entry.ioc_value),
    type: textOf(entry.ioc_type),
    threatType: textOf(entry.threat_type),
    malwareId: textOf(entry.malware),
    family: textOf(entry.malware_printable),
    aliases: splitCommaList(textOf(entry.malware_alias)),
    firstSeen: textOf(entry.first_seen_utc),
    lastSeen: textOf(entry.last_seen_utc),
    confidence: confidenceOf(entry.confidence_level),
    isCompromised: booleanOf(entry.is_compromised),
    references: listOf(textOf(entry.reference)),
    tags: splitCommaList(textOf(entry.tags)),
  }
}
