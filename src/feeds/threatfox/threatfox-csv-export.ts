import { CsvError, parse } from 'csv-parse/sync'

import { FeedError } from '../feed-error.ts'
import type { FeedRecord } from '../feed-record.ts'
import type { FeedSource } from '../feed-source.ts'
import {
  booleanOf,
  listOf,
  splitCommaList,
  toFeedRecord,
  type ThreatFoxFields,
} from './threatfox-fields.ts'

/** Columns every ThreatFox CSV export must have. */
export const REQUIRED_CSV_COLUMNS = [
  'ioc_id',
  'ioc_value',
  'ioc_type',
  'threat_type',
  'malware_printable',
  'first_seen_utc',
  'confidence_level',
] as const

// Optional columns of the 15-column export. Any other column is ignored.
const OPTIONAL_CSV_COLUMNS = [
  'fk_malware',
  'malware_alias',
  'last_seen_utc',
  'is_compromised',
  'reference',
  'tags',
  'anonymous',
  'reporter',
]
const KNOWN_COLUMNS = new Set<string>([
  ...REQUIRED_CSV_COLUMNS,
  ...OPTIONAL_CSV_COLUMNS,
])

// A line is the header when at least this many of its fields are ThreatFox
// column names, so that a header with a missing column is still found and
// reported as such.
const MIN_KNOWN_HEADER_COLUMNS = 3

// ThreatFox puts 9 comment lines before the header, so 100 leaves room for
// longer preambles without scanning a large file.
const MAX_HEADER_SEARCH_LINES = 100

/** The header line of a ThreatFox CSV export. */
export interface ThreatFoxCsvHeader {
  columns: string[]
  /** 1-based line number. */
  line: number
  /** True for a `# "first_seen_utc",...` comment, as ThreatFox writes it. */
  commented: boolean
}

interface CsvRow {
  record: string[]
  info: { lines: number }
}

/**
 * Finds the header of a ThreatFox CSV export: the first line, among the
 * leading `#` comments or as the first other line, whose fields include at
 * least three ThreatFox column names. Returns undefined when there is none.
 */
export function findThreatFoxCsvHeader(
  text: string,
): ThreatFoxCsvHeader | undefined {
  const lines = text.split('\n', MAX_HEADER_SEARCH_LINES)
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.trim()
    if (line === '') continue

    const commented = line.startsWith('#')
    const columns = parseHeaderColumns(commented ? line.slice(1) : line)
    if (columns !== undefined) return { columns, line: index + 1, commented }
    if (!commented) return undefined
  }
  return undefined
}

/**
 * Reads every row of a ThreatFox CSV export. Columns are found by header
 * name, `None` and empty fields are null, and rows are `"a", "b"` or
 * `"a","b"`. The record id is `ioc_id`, or `line N` when it is empty. A row
 * with another number of fields than the header becomes a record with a
 * `problem`, so that it is reported.
 *
 * @throws FeedError `unknown-format` without a header, `missing-columns`
 *   when a required column is missing, `invalid-csv` when the quoting is
 *   broken.
 */
export function readThreatFoxCsvExport(
  text: string,
  source: FeedSource,
): FeedRecord[] {
  const header = findThreatFoxCsvHeader(text)
  if (header === undefined) {
    throw new FeedError(
      'unknown-format',
      source,
      'no ThreatFox CSV header line (such as # "first_seen_utc","ioc_id","ioc_value",...) found',
      'Pass the CSV export as ThreatFox publishes it, with its header',
    )
  }
  checkRequiredColumns(header, source)

  const columnIndex = new Map(
    header.columns.map((name, index) => [name, index]),
  )
  return parseRows(text, header, source).map((row) =>
    readRow(row, columnIndex, header.columns.length, source),
  )
}

function parseHeaderColumns(line: string): string[] | undefined {
  if (!line.includes('ioc_')) return undefined

  let rows: string[][]
  try {
    rows = parse(line, { ltrim: true, rtrim: true, relax_quotes: true })
  } catch (error) {
    if (error instanceof CsvError) return undefined
    throw error
  }

  const columns = (rows[0] ?? []).map((column) => column.trim())
  const knownCount = columns.filter((column) => KNOWN_COLUMNS.has(column))
  return knownCount.length >= MIN_KNOWN_HEADER_COLUMNS ? columns : undefined
}

function checkRequiredColumns(
  header: ThreatFoxCsvHeader,
  source: FeedSource,
): void {
  const missing = REQUIRED_CSV_COLUMNS.filter(
    (column) => !header.columns.includes(column),
  )
  if (missing.length === 0) return

  throw new FeedError(
    'missing-columns',
    source,
    `the CSV header on line ${header.line} is missing the column(s) ${missing.join(', ')}`,
    'Pass a complete ThreatFox CSV export; these columns are required',
  )
}

function parseRows(
  text: string,
  header: ThreatFoxCsvHeader,
  source: FeedSource,
): CsvRow[] {
  try {
    // With `info: true`, csv-parse returns { record, info } objects, which
    // its type declarations do not express.
    const rows = parse(text, {
      comment: '#',
      comment_no_infix: true,
      ltrim: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      from_line: header.commented ? 1 : header.line + 1,
    })
    return rows as unknown as CsvRow[]
  } catch (error) {
    if (!(error instanceof CsvError)) throw error
    throw new FeedError(
      'invalid-csv',
      source,
      `invalid CSV: ${error.message}`,
      'Download the feed again; a truncated or edited file breaks the quoting',
      { cause: error },
    )
  }
}

function readRow(
  row: CsvRow,
  columnIndex: Map<string, number>,
  columnCount: number,
  source: FeedSource,
): FeedRecord {
  const cell = (name: string) => nullableCell(row.record, columnIndex.get(name))
  const fields: ThreatFoxFields = {
    id: cell('ioc_id'),
    value: cell('ioc_value'),
    type: cell('ioc_type'),
    threatType: cell('threat_type'),
    malwareId: cell('fk_malware'),
    family: cell('malware_printable'),
    aliases: splitCommaList(cell('malware_alias')),
    firstSeen: cell('first_seen_utc'),
    lastSeen: cell('last_seen_utc'),
    confidence: cell('confidence_level'),
    isCompromised: booleanOf(cell('is_compromised')),
    references: listOf(cell('reference')),
    tags: splitCommaList(cell('tags')),
  }
  if (row.record.length !== columnCount) {
    fields.problem = `CSV row has ${row.record.length} fields, but the header has ${columnCount} columns`
  }
  return toFeedRecord(fields, source, `line ${row.info.lines}`)
}

// ThreatFox writes null as `None` (Python's null) or as an empty field.
function nullableCell(
  record: string[],
  index: number | undefined,
): string | undefined {
  const value = index === undefined ? undefined : record[index]
  if (value === undefined || value === '' || value === 'None') return undefined
  return value
}
