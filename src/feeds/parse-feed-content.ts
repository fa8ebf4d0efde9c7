import { decodeFeedText } from './decode-feed-text.ts'
import { FeedError } from './feed-error.ts'
import type { FeedRecord } from './feed-record.ts'
import type { FeedSource } from './feed-source.ts'
import {
  isThreatFoxApiResponse,
  readThreatFoxApiResponse,
} from './threatfox/threatfox-api-response.ts'
import {
  findThreatFoxCsvHeader,
  readThreatFoxCsvExport,
} from './threatfox/threatfox-csv-export.ts'
import {
  isThreatFoxJsonExport,
  readThreatFoxJsonExport,
} from './threatfox/threatfox-json-export.ts'
import { extractSingleEntry, isZipArchive } from './unzip-feed-archive.ts'

const SUPPORTED_FORMATS =
  'Pass a ThreatFox JSON or CSV export, a ZIP of one, or a ThreatFox API response saved as JSON'

/**
 * Reads the feed records in the bytes of one file. The format comes from
 * the content, never from the file name. Supported are a ThreatFox JSON
 * export, API response or CSV export, and a ZIP archive of one of them.
 *
 * @throws FeedError when the content is empty, of an unknown format, or
 *   not valid for the format it has.
 */
export function parseFeedContent(
  bytes: Uint8Array,
  source: FeedSource,
): FeedRecord[] {
  if (isZipArchive(bytes)) return parseArchive(bytes, source)

  const text = decodeFeedText(bytes, source)
  if (/^\s*[[{]/.test(text)) return parseJsonFeed(text, source)
  if (findThreatFoxCsvHeader(text) !== undefined) {
    return readThreatFoxCsvExport(text, source)
  }

  throw new FeedError(
    'unknown-format',
    source,
    'unknown feed format: not JSON, not a ZIP archive and no ThreatFox CSV header',
    SUPPORTED_FORMATS,
  )
}

function parseArchive(bytes: Uint8Array, source: FeedSource): FeedRecord[] {
  if (source.archiveEntry !== undefined) {
    throw new FeedError(
      'invalid-zip',
      source,
      'the entry is itself a ZIP archive',
      'Extract the inner archive and pass the feed file it contains',
    )
  }

  const entry = extractSingleEntry(bytes, source)
  return parseFeedContent(entry.bytes, { ...source, archiveEntry: entry.name })
}

function parseJsonFeed(text: string, source: FeedSource): FeedRecord[] {
  const json = parseJson(text, source)
  if (isThreatFoxApiResponse(json)) {
    return readThreatFoxApiResponse(json, source)
  }
  if (isThreatFoxJsonExport(json)) return readThreatFoxJsonExport(json, source)

  throw new FeedError(
    'unknown-format',
    source,
    'unknown JSON feed: neither a ThreatFox export (an object of IOC ids, each with a list of records) nor an API response (with query_status)',
    SUPPORTED_FORMATS,
  )
}

function parseJson(text: string, source: FeedSource): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error
    throw new FeedError(
      'invalid-json',
      source,
      `invalid JSON (${error.message})`,
      'Download the feed again; an interrupted download leaves truncated JSON',
      { cause: error },
    )
  }
}
