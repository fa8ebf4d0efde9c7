import { FeedError } from '../feed-error.ts'
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

/** A ThreatFox API response body, as saved from a query. */
export interface ThreatFoxApiResponse {
  query_status: unknown
  data?: unknown
}

// Actions for the ThreatFox API query_status values that mean the request
// itself failed.
const STATUS_ACTIONS = new Map([
  ['unknown_auth_key', 'Check the Auth-Key of the request and query again'],
  ['illegal_search_term', 'Fix the search term and query again'],
  ['illegal_hash', 'Fix the hash in the query and query again'],
])
const DEFAULT_ACTION =
  'Query the API again and save a response whose query_status is "ok"'

/** Tells whether parsed JSON is a ThreatFox API response (has query_status). */
export function isThreatFoxApiResponse(
  json: unknown,
): json is ThreatFoxApiResponse {
  return isJsonObject(json) && 'query_status' in json
}

/**
 * Reads the IOCs of a ThreatFox API query response such as `get_iocs` or
 * `search_ioc`. The status `no_result` is an empty result. The record id is
 * the IOC id, or `record N` (1-based) when a record has none.
 *
 * @throws FeedError `api-error` for any other status than `ok` and
 *   `no_result`, and when `data` is not a list of IOCs, as in the response
 *   to an IOC submission.
 */
export function readThreatFoxApiResponse(
  response: ThreatFoxApiResponse,
  source: FeedSource,
): FeedRecord[] {
  const status = textOf(response.query_status) ?? ''
  if (status === 'no_result') return []
  if (status !== 'ok') throw statusError(status, response.data, source)

  const data = response.data
  if (!Array.isArray(data)) {
    throw new FeedError(
      'api-error',
      source,
      `query_status is "ok" but data is ${describeJsonType(data)}, not a list of IOCs (a submission response has this shape)`,
      'Save the response of an IOC query such as get_iocs or search_ioc',
    )
  }
  return data.map((entry, index) =>
    toFeedRecord(readApiEntry(entry), source, `record ${index + 1}`),
  )
}

function statusError(
  status: string,
  data: unknown,
  source: FeedSource,
): FeedError {
  const detail = typeof data === 'string' ? ` (${data})` : ''
  return new FeedError(
    'api-error',
    source,
    `the ThreatFox API returned query_status "${status}"${detail}`,
    STATUS_ACTIONS.get(status) ?? DEFAULT_ACTION,
  )
}

function readApiEntry(entry: unknown): ThreatFoxFields {
  if (!isJsonObject(entry)) {
    const problem = `record is ${describeJsonType(entry)}, expected a JSON object`
    return { aliases: [], references: [], tags: [], problem }
  }

  return {
    id: textOf(entry.id),
    value: textOf(entry.ioc),
    type: textOf(entry.ioc_type),
    threatType: textOf(entry.threat_type),
    malwareId: textOf(entry.malware),
    family: textOf(entry.malware_printable),
    aliases: splitCommaList(textOf(entry.malware_alias)),
    firstSeen: textOf(entry.first_seen),
    lastSeen: textOf(entry.last_seen),
    confidence: confidenceOf(entry.confidence_level),
    isCompromised: booleanOf(entry.is_compromised),
    references: listOf(textOf(entry.reference)),
    tags: readTags(entry.tags),
  }
}

// The API writes tags as an array of strings or null.
function readTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) return splitCommaList(textOf(tags))
  return tags.flatMap((tag) => listOf(textOf(tag)))
}
