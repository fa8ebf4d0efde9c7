import type { FeedRecord } from '../feed-record.ts'
import type { FeedSource } from '../feed-source.ts'
import {
  describeJsonType,
  isJsonObject,
  textOf,
} from '../threatfox/threatfox-fields.ts'
import { buildFeodoTrackerRecord } from './feodo-tracker-fields.ts'

/**
 * Tells whether parsed JSON is a Feodo Tracker JSON blocklist
 * (`ipblocklist.json`): a non-empty array whose first entry is an object
 * with `ip_address` and `port`.
 */
export function isFeodoTrackerJson(json: unknown): json is unknown[] {
  if (!Array.isArray(json) || json.length === 0) return false
  const first: unknown = json[0]
  return isJsonObject(first) && 'ip_address' in first && 'port' in first
}

/**
 * Reads every entry of a Feodo Tracker JSON blocklist as an `ip:port`
 * botnet C2 record. The record id is `record N` (1-based). An entry that is
 * not an object becomes a record with a `problem`, so that it is reported.
 */
export function readFeodoTrackerJson(
  entries: unknown[],
  source: FeedSource,
): FeedRecord[] {
  return entries.map((entry, index) => {
    const recordId = `record ${index + 1}`
    if (!isJsonObject(entry)) {
      const problem = `record is ${describeJsonType(entry)}, expected a JSON object`
      return buildFeodoTrackerRecord({ problem }, source, recordId)
    }

    const fields = {
      ip: textOf(entry.ip_address),
      port: textOf(entry.port),
      malware: textOf(entry.malware),
      firstSeen: textOf(entry.first_seen),
      lastOnline: textOf(entry.last_online),
    }
    return buildFeodoTrackerRecord(fields, source, recordId)
  })
}
