import { CsvError, parse } from 'csv-parse/sync'

import { FeedError } from '../feed-error.ts'
import type { FeedSource } from '../feed-source.ts'

/**
 * The header line of an abuse.ch CSV file. URLhaus writes it as a comment
 * (`# id,dateadded,url,...`), Feodo Tracker as a quoted line after the
 * comment banner.
 */
export interface AbusechCsvHeader {
  /** Column names as {@link normaliseColumnName} returns them. */
  columns: string[]
  /** 1-based line number. */
  line: number
  commented: boolean
}

/** One data row with the 1-based number of its last line. */
export interface AbusechCsvRow {
  fields: string[]
  line: number
}

interface ParsedRow {
  record: string[]
  info: { lines: number }
}

// abuse.ch puts fewer than 15 banner lines before the header, so 100 leaves
// room for longer preambles without scanning a large file.
const MAX_HEADER_SEARCH_LINES = 100

/**
 * Normalises a column name for lookup: trimmed, lower case, without the
 * ` (UTC)` suffix of the legacy URLhaus `Dateadded (UTC)`.
 */
export function normaliseColumnName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/\s*\(utc\)$/, '')
}

/**
 * Finds the header of an abuse.ch CSV file: the first line, among the
 * leading `#` comments or as the first other line, whose columns pass
 * `isHeader`. Returns undefined when there is none.
 */
export function findAbusechCsvHeader(
  text: string,
  isHeader: (columns: string[]) => boolean,
): AbusechCsvHeader | undefined {
  const lines = text.split('\n', MAX_HEADER_SEARCH_LINES)
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.trim()
    if (line === '') continue

    const commented = line.startsWith('#')
    const columns = parseHeaderColumns(commented ? line.slice(1) : line)
    if (columns !== undefined && isHeader(columns)) {
      return { columns, line: index + 1, commented }
    }
    if (!commented) return undefined
  }
  return undefined
}

/**
 * Parses the data rows below `header`. Lines that start with `#` are
 * comments, such as the `# END 28 entries` trailer of Feodo Tracker.
 *
 * @throws FeedError `invalid-csv` when the quoting is broken.
 */
export function parseAbusechCsvRows(
  text: string,
  header: AbusechCsvHeader,
  source: FeedSource,
): AbusechCsvRow[] {
  let rows: ParsedRow[]
  try {
    // With `info: true`, csv-parse returns { record, info } objects, which
    // its type declarations do not express.
    rows = parse(text, {
      comment: '#',
      comment_no_infix: true,
      ltrim: true,
      rtrim: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      from_line: header.commented ? 1 : header.line + 1,
    }) as unknown as ParsedRow[]
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
  return rows.map((row) => ({ fields: row.record, line: row.info.lines }))
}

/** Reads the field of one named column of a row. */
export type CellReader = (name: string) => string | undefined

/**
 * Returns a function that gives the cell reader of a row under `header`.
 * Empty fields and the text `None` (abuse.ch writes Python's null) read as
 * undefined, and so do columns the header does not have.
 */
export function cellReaderFor(
  header: AbusechCsvHeader,
): (row: AbusechCsvRow) => CellReader {
  const indexes = new Map(header.columns.map((name, index) => [name, index]))
  return (row) => (name) => {
    const index = indexes.get(name)
    const value = index === undefined ? undefined : row.fields[index]?.trim()
    if (value === undefined || value === '' || value === 'None') {
      return undefined
    }
    return value
  }
}

/**
 * Describes a row whose number of fields differs from the header, or
 * returns undefined when it matches.
 */
export function fieldCountProblem(
  header: AbusechCsvHeader,
  row: AbusechCsvRow,
): string | undefined {
  if (row.fields.length === header.columns.length) return undefined
  return `CSV row has ${row.fields.length} fields, but the header has ${header.columns.length} columns`
}

function parseHeaderColumns(line: string): string[] | undefined {
  let rows: string[][]
  try {
    rows = parse(line, { ltrim: true, rtrim: true, relax_quotes: true })
  } catch (error) {
    if (error instanceof CsvError) return undefined
    throw error
  }
  const columns = rows[0] ?? []
  return columns.length < 2 ? undefined : columns.map(normaliseColumnName)
}
