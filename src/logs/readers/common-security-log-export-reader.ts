import {
  CsvRecordAssembler,
  CsvSyntaxError,
  splitCsvRecord,
} from '../csv-record.ts'
import { JsonRecordAssembler, type JsonObject } from '../json-records.ts'
import { logTableCatalog } from '../log-table-catalog.ts'
import type { CellValue, LogReader, LogRow, TableOutput } from '../log-row.ts'
import type { ReaderContext } from './reader-context.ts'

const TABLE = 'CommonSecurityLog'

/**
 * Returns the catalog column for an export header: the portal appends
 * ` [UTC]` to datetime columns (`TimeGenerated [UTC]`), and case may
 * differ (`DeviceExternalID`).
 */
export function exportColumnName(
  header: string,
  catalogColumns: readonly string[],
): string | undefined {
  const name = header
    .replace(/^\uFEFF/, '')
    .replace(/\s*\[UTC\]$/, '')
    .trim()
  if (catalogColumns.includes(name)) return name
  const lower = name.toLowerCase()
  return catalogColumns.find((c) => c.toLowerCase() === lower)
}

/** Returns a JSON value as a cell: objects and arrays as JSON text. */
export function jsonCell(value: unknown): CellValue {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'object') return JSON.stringify(value)
  return value as CellValue
}

/** Reads a CommonSecurityLog CSV export (header row first). */
export function createCommonSecurityLogCsvReader(
  context: ReaderContext,
): LogReader {
  const catalogColumns = (logTableCatalog().get(TABLE) ?? []).map((c) => c.name)
  let columns: Array<string | undefined> | undefined
  let output: TableOutput | undefined
  const csv = new CsvRecordAssembler(
    (text, line) => {
      let fields: string[]
      try {
        fields = splitCsvRecord(text)
      } catch (error) {
        if (!(error instanceof CsvSyntaxError)) throw error
        context.sink.unparsed(line, `invalid CSV: ${error.message}`)
        return
      }
      if (!columns) {
        columns = fields.map((header) =>
          exportColumnName(header, catalogColumns),
        )
        const unknown = fields.filter((_, i) => columns![i] === undefined)
        if (unknown.length) {
          context.sink.notice(
            `columns not in ${TABLE}, not loaded: ${unknown.join(', ')}`,
          )
        }
        output = context.sink.table(TABLE, [
          ...new Set(columns.filter((c) => c !== undefined)),
        ])
        return
      }
      if (fields.length !== columns.length) {
        context.sink.unparsed(
          line,
          `expected ${columns.length} CSV fields, found ${fields.length}`,
        )
        return
      }
      const row: LogRow = {}
      for (let i = 0; i < fields.length; i++) {
        const column = columns[i]
        if (column !== undefined && fields[i] !== '') row[column] = fields[i]
      }
      output!.write(row, line)
    },
    (line, reason) => context.sink.unparsed(line, reason),
  )
  return { line: (text, n) => csv.line(text, n), end: () => csv.end() }
}

/** Reads a CommonSecurityLog JSON export (array or JSON lines). */
export function createCommonSecurityLogJsonReader(
  context: ReaderContext,
): LogReader {
  const catalogColumns = (logTableCatalog().get(TABLE) ?? []).map((c) => c.name)
  const output = context.sink.table(TABLE, catalogColumns)
  const unknownKeys = new Set<string>()
  const json = new JsonRecordAssembler(
    (record: JsonObject, line) => {
      const row: LogRow = {}
      for (const [key, value] of Object.entries(record)) {
        const column = exportColumnName(key, catalogColumns)
        if (column === undefined) unknownKeys.add(key)
        else row[column] = jsonCell(value)
      }
      output.write(row, line)
    },
    (line, reason) => context.sink.unparsed(line, reason),
  )
  return {
    line: (text, n) => json.line(text, n),
    end() {
      json.end()
      if (unknownKeys.size) {
        context.sink.notice(
          `keys not in ${TABLE}, not loaded: ${[...unknownKeys].join(', ')}`,
        )
      }
    },
  }
}
