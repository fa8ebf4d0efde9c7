import type { FeedRecord } from '../feed-record.ts'
import type { FeedSource } from '../feed-source.ts'
import {
  describeJsonType,
  isJsonObject,
  listOf,
  splitCommaList,
  textOf,
} from '../threatfox/threatfox-fields.ts'
import { buildUrlhausRecords, type UrlhausFields } from './urlhaus-fields.ts'

/** URLhaus JSON dump: URLhaus id to the entries listed under that id. */
export type UrlhausJsonDump = Record<string, unknown[]>

/**
 * Tells whether parsed JSON is a URLhaus JSON dump: an object whose every
 * value is an array, with a first entry that has `url` and `urlhaus_link`.
 * A ThreatFox JSON export has the same outer shape, so this check must run
 * before that one.
 */
export function isUrlhausJsonDump(json: unknown): json is UrlhausJsonDump {
  if (!isJsonObject(json)) return false
  const lists = Object.values(json)
  if (lists.length === 0 || !lists.every(Array.isArray)) return false

  const first: unknown = (lists[0] as unknown[])[0]
  return isJsonObject(first) && 'url' in first && 'urlhaus_link' in first
}

/**
 * Reads every entry of a URLhaus JSON dump as `url` records (see
 * {@link buildUrlhausRecords}). The record id is the URLhaus id the entry
 * is listed under. An entry that is not an object becomes a record with a
 * `problem`, so that it is reported.
 */
export function readUrlhausJsonDump(
  json: UrlhausJsonDump,
  source: FeedSource,
): FeedRecord[] {
  const records: FeedRecord[] = []
  for (const [id, entries] of Object.entries(json)) {
    for (const entry of entries) {
      records.push(...buildUrlhausRecords(readEntry(id, entry), source, id))
    }
  }
  return records
}

function readEntry(id: string, entry: unknown): UrlhausFields {
  if (!isJsonObject(entry)) {
    const problem = `record is ${describeJsonType(entry)}, expected a JSON object`
    return { id, tags: [], problem }
  }

  return {
    id,
    url: textOf(entry.url),
    dateAdded: textOf(entry.dateadded),
    lastOnline: textOf(entry.last_online),
    threat: textOf(entry.threat),
    tags: readTags(entry.tags),
    urlhausLink: textOf(entry.urlhaus_link),
  }
}

// The dump writes tags as an array of strings or null.
function readTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) return splitCommaList(textOf(tags))
  return tags.flatMap((tag) => listOf(textOf(tag)))
}
