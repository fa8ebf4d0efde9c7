import {
  findFeodoTrackerCsvHeader,
  readFeodoTrackerCsv,
} from './abusech/feodo-tracker-csv.ts'
import {
  isFeodoTrackerJson,
  readFeodoTrackerJson,
} from './abusech/feodo-tracker-json.ts'
import { findUrlhausCsvHeader, readUrlhausCsv } from './abusech/urlhaus-csv.ts'
import {
  isUrlhausJsonDump,
  readUrlhausJsonDump,
} from './abusech/urlhaus-json.ts'
import { decodeFeedText } from './decode-feed-text.ts'
import { FeedError } from './feed-error.ts'
import type { FeedRecord } from './feed-record.ts'
import type { FeedSource } from './feed-source.ts'
import { findMispEvents, readMispEvents } from './misp/misp-event.ts'
import { isStixBundle, readStixBundle } from './stix/stix-bundle.ts'
import { readFreeText, type FreeTextOptions } from './text/free-text.ts'
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
  'Pass a ThreatFox, URLhaus or Feodo Tracker export, a STIX 2.1 bundle, a MISP event, a ZIP of one, or a text file that names indicators'

// A JSON feed starts with `{`, or with `[` and then an object, array,
// string or `]`. A text such as `[2026-05-01] C2 at 203.0.113.5` starts
// with `[` too, but is free text.
const JSON_START = /^\s*(?:\{|\[\s*[[{"\]])/

/** Options of the readers of formats that lack some fields. */
export interface ParseFeedOptions {
  /** Family, threat type, confidence and first seen of free text. */
  freeText?: FreeTextOptions
}

/**
 * Reads the feed records in the bytes of one file. The format comes from
 * the content, never from the file name, in this order:
 *
 * 1. a ZIP archive of one feed file;
 * 2. JSON: a ThreatFox API response (`query_status`), a MISP event export,
 *    a STIX bundle, a Feodo Tracker blocklist, a URLhaus JSON dump, then a
 *    ThreatFox JSON export;
 * 3. CSV with the header of a ThreatFox export, of URLhaus, then of the
 *    Feodo Tracker blocklist;
 * 4. any other text, read as free text for the indicators it names.
 *
 * @throws FeedError when the content is empty, of an unknown format, not
 *   valid for the format it has, or text without any indicator.
 */
export function parseFeedContent(
  bytes: Uint8Array,
  source: FeedSource,
  options: ParseFeedOptions = {},
): FeedRecord[] {
  if (isZipArchive(bytes)) return parseArchive(bytes, source, options)

  const text = decodeFeedText(bytes, source)
  if (JSON_START.test(text)) return parseJsonFeed(text, source)
  if (findThreatFoxCsvHeader(text) !== undefined) {
    return readThreatFoxCsvExport(text, source)
  }

  const urlhausHeader = findUrlhausCsvHeader(text)
  if (urlhausHeader !== undefined) {
    return readUrlhausCsv(text, urlhausHeader, source)
  }
  const feodoHeader = findFeodoTrackerCsvHeader(text)
  if (feodoHeader !== undefined) {
    return readFeodoTrackerCsv(text, feodoHeader, source)
  }
  return parseFreeText(text, source, options)
}

function parseFreeText(
  text: string,
  source: FeedSource,
  options: ParseFeedOptions,
): FeedRecord[] {
  const records = readFreeText(text, source, options.freeText)
  if (records.length > 0) return records

  throw new FeedError(
    'unknown-format',
    source,
    'unknown feed format: not JSON, not a ZIP archive, no CSV header of ThreatFox, URLhaus or Feodo Tracker, and no indicator in the text',
    SUPPORTED_FORMATS,
  )
}

function parseArchive(
  bytes: Uint8Array,
  source: FeedSource,
  options: ParseFeedOptions,
): FeedRecord[] {
  if (source.archiveEntry !== undefined) {
    throw new FeedError(
      'invalid-zip',
      source,
      'the entry is itself a ZIP archive',
      'Extract the inner archive and pass the feed file it contains',
    )
  }

  const entry = extractSingleEntry(bytes, source)
  const entrySource = { ...source, archiveEntry: entry.name }
  return parseFeedContent(entry.bytes, entrySource, options)
}

function parseJsonFeed(text: string, source: FeedSource): FeedRecord[] {
  const json = parseJson(text, source)
  if (isThreatFoxApiResponse(json)) {
    return readThreatFoxApiResponse(json, source)
  }
  const mispEvents = findMispEvents(json)
  if (mispEvents !== undefined) return readMispEvents(mispEvents, source)
  if (isStixBundle(json)) return readStixBundle(json, source)
  if (isFeodoTrackerJson(json)) return readFeodoTrackerJson(json, source)
  // A URLhaus dump has the outer shape of a ThreatFox export, so it is
  // checked first.
  if (isUrlhausJsonDump(json)) return readUrlhausJsonDump(json, source)
  if (isThreatFoxJsonExport(json)) return readThreatFoxJsonExport(json, source)

  throw new FeedError(
    'unknown-format',
    source,
    'unknown JSON feed: not a ThreatFox export or API response, MISP event, STIX bundle, Feodo Tracker blocklist or URLhaus dump',
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
