import { stat } from 'node:fs/promises'

import type { DuckDBConnection } from '@duckdb/node-api'

import { createLogReader } from './create-log-reader.ts'
import { detectLogFileFormat } from './detect-log-format.ts'
import { DuckDbLogStore } from './duckdb-log-store.ts'
import { LogFileError } from './log-errors.ts'
import type { DetectedLogFormat, LogFormat, ZeekPath } from './log-format.ts'
import type { CellValue, LogSink, TableOutput } from './log-row.ts'
import { logTableCatalog } from './log-table-catalog.ts'
import { readFileLines } from './line-reader.ts'

/** Options of `loadLogs`. */
export interface LoadLogsOptions {
  /**
   * Called after each chunk read (about 1 MiB) with the bytes read so far
   * over all files and their total size.
   */
  onProgress?(bytesRead: number, totalBytes: number): void
  /**
   * Most issues (unparsed lines, invalid values) kept as examples in the
   * report; every issue is still counted. Default 100.
   */
  maxIssueExamples?: number
}

/** One line or value that was not loaded as written. */
export interface LogIssue {
  readonly file: string
  /** 1-based line number; 0 when the issue concerns the end of the file. */
  readonly line: number
  readonly reason: string
}

/** A count of issues with the first examples. */
export interface LogIssueSummary {
  readonly count: number
  readonly examples: readonly LogIssue[]
  /** Issues counted but not kept as examples. */
  readonly omitted: number
}

/** The outcome of `loadLogs` for one file. */
export interface FileLoadReport {
  readonly file: string
  readonly format: LogFormat
  readonly zeekPath?: ZeekPath
  readonly bytes: number
  readonly lines: number
  /** Rows written per table. */
  readonly rows: Readonly<Record<string, number>>
  /** Lines that could not be read at all. */
  readonly unparsedLines: number
  /** Values set to NULL because their column type could not hold them. */
  readonly invalidValues: number
  /** Well-formed records that no table takes, counted by reason. */
  readonly skipped: Readonly<Record<string, number>>
  /** Notes about the whole file, such as export columns left out. */
  readonly notices: readonly string[]
}

/** The outcome of `loadLogs`. */
export interface LoadReport {
  /** Rows loaded by this call per table; every catalog table is listed. */
  readonly tables: Readonly<Record<string, number>>
  readonly files: readonly FileLoadReport[]
  readonly unparsed: LogIssueSummary
  readonly invalidValues: LogIssueSummary
  readonly totalRows: number
  readonly bytesRead: number
}

class IssueCollector {
  count = 0
  readonly examples: LogIssue[] = []

  constructor(private readonly limit: number) {}

  add(issue: LogIssue): void {
    this.count++
    if (this.examples.length < this.limit) this.examples.push(issue)
  }

  summary(): LogIssueSummary {
    return {
      count: this.count,
      examples: this.examples,
      omitted: this.count - this.examples.length,
    }
  }
}

interface FileState {
  rows: Record<string, number>
  unparsedLines: number
  invalidValues: number
  skipped: Record<string, number>
  notices: string[]
}

/**
 * Reads log files into DuckDB, one relation per Sentinel table.
 *
 * Each file's format is detected from its content first, so an unknown
 * format fails before anything is loaded. Files are then streamed line by
 * line (never held whole in memory) and appended in data chunks of 2048
 * rows. Every catalog table ends up as a view with all its catalog columns
 * in catalog order plus `_SourceFile` (the path as given) and `_SourceLine`
 * (1-based line of the record's first line). A table with no rows still
 * exists and returns nothing. The views read narrow tables named
 * `huntpack_log_part_<n>`; `huntpack_log_files` and `huntpack_log_parts`
 * record them, so a later call on the same database adds to the tables.
 * Datetimes are TIMESTAMP in UTC, dynamic columns JSON, empty strings NULL.
 *
 * @throws UnknownLogFormatError naming the first file whose format is not
 *   supported.
 * @throws LogFileError when a file cannot be read.
 */
export async function loadLogs(
  connection: DuckDBConnection,
  files: readonly string[],
  options: LoadLogsOptions = {},
): Promise<LoadReport> {
  const limit = options.maxIssueExamples ?? 100
  const unparsed = new IssueCollector(limit)
  const invalidValues = new IssueCollector(limit)
  const inputs: Array<{
    file: string
    format: DetectedLogFormat
    bytes: number
    mtimeMicros: number
  }> = []
  for (const file of files) {
    const format = await detectLogFileFormat(file)
    let info
    try {
      info = await stat(file)
    } catch (error) {
      throw new LogFileError(file, error)
    }
    inputs.push({
      file,
      format,
      bytes: info.size,
      mtimeMicros: Math.round(info.mtimeMs * 1000),
    })
  }
  const totalBytes = inputs.reduce((sum, input) => sum + input.bytes, 0)
  const tables: Record<string, number> = {}
  for (const table of logTableCatalog().keys()) tables[table] = 0

  const store = await DuckDbLogStore.open(connection)
  const reports: FileLoadReport[] = []
  let bytesBefore = 0
  try {
    for (const input of inputs) {
      const state: FileState = {
        rows: {},
        unparsedLines: 0,
        invalidValues: 0,
        skipped: {},
        notices: [],
      }
      const fileId = await store.addFile(input.file, input.mtimeMicros)
      const sink = fileSink(
        store,
        input.file,
        fileId,
        state,
        tables,
        unparsed,
        invalidValues,
      )
      const reader = createLogReader({
        file: input.file,
        format: input.format,
        sink,
        referenceMicros: input.mtimeMicros,
      })
      let lines: number
      try {
        lines = await readFileLines(
          input.file,
          (text, lineNumber) => reader.line(text, lineNumber),
          async (bytesRead) => {
            await store.settle()
            options.onProgress?.(bytesBefore + bytesRead, totalBytes)
          },
        )
      } catch (error) {
        if (error instanceof Error && 'code' in error)
          throw new LogFileError(input.file, error)
        throw error
      }
      reader.end()
      await store.settle()
      bytesBefore += input.bytes
      reports.push({
        file: input.file,
        format: input.format.format,
        ...(input.format.zeekPath ? { zeekPath: input.format.zeekPath } : {}),
        bytes: input.bytes,
        lines,
        ...state,
      })
    }
    await store.finish()
  } catch (error) {
    store.abandon()
    throw error
  }
  const totalRows = Object.values(tables).reduce((sum, n) => sum + n, 0)
  return {
    tables,
    files: reports,
    unparsed: unparsed.summary(),
    invalidValues: invalidValues.summary(),
    totalRows,
    bytesRead: bytesBefore,
  }
}

function fileSink(
  store: DuckDbLogStore,
  file: string,
  fileId: number,
  state: FileState,
  tables: Record<string, number>,
  unparsed: IssueCollector,
  invalidValues: IssueCollector,
): LogSink {
  const onInvalid = (column: string, value: CellValue, line: number) => {
    state.invalidValues++
    invalidValues.add({
      file,
      line,
      reason: `invalid value ${JSON.stringify(String(value))} for column ${column}; stored as NULL`,
    })
  }
  return {
    table(table, columns, constants = {}): TableOutput {
      const part = store.part(table, columns, constants)
      state.rows[table] ??= 0
      return {
        write(row, line) {
          part.write(row, fileId, line, onInvalid)
          state.rows[table]!++
          tables[table]!++
        },
      }
    },
    unparsed(line, reason) {
      state.unparsedLines++
      unparsed.add({ file, line, reason })
    },
    skipped(_line, reason) {
      state.skipped[reason] = (state.skipped[reason] ?? 0) + 1
    },
    notice(message) {
      state.notices.push(message)
    },
  }
}
