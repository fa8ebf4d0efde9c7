import {
  CsvRecordAssembler,
  CsvSyntaxError,
  splitCsvRecord,
} from '../csv-record.ts'
import { JsonRecordAssembler } from '../json-records.ts'
import { logTableCatalog } from '../log-table-catalog.ts'
import type { CellValue, LogReader, LogRow, TableOutput } from '../log-row.ts'
import { jsonCell } from './common-security-log-export-reader.ts'
import type { ReaderContext } from './reader-context.ts'

// ActionType values by Defender advanced hunting table, from the schema
// reference pages of each table (learn.microsoft.com/defender-xdr/
// advanced-hunting-<table>-table) and the values seen in exports.
const NETWORK_ACTIONS = new Set([
  'ConnectionAcknowledged',
  'ConnectionAttempt',
  'ConnectionFailed',
  'ConnectionFound',
  'ConnectionRequest',
  'ConnectionSuccess',
  'InboundConnectionAccepted',
  'ListeningConnectionCreated',
  'NetworkSignatureInspected',
])
const FILE_ACTIONS = new Set([
  'FileCreated',
  'FileModified',
  'FileDeleted',
  'FileRenamed',
])
const PROCESS_ACTIONS = new Set(['ProcessCreated'])
const URL_CLICK_ACTIONS = new Set([
  'ClickAllowed',
  'ClickBlocked',
  'ClickBlockedByTenantPolicy',
  'UrlErrorPage',
  'UrlScanInProgress',
])

/** Tables of the rows that no catalog table takes, for skip reasons. */
function uncatalogedTable(actionType: string): string {
  if (actionType.startsWith('Logon')) return 'DeviceLogonEvents'
  if (actionType.startsWith('Registry')) return 'DeviceRegistryEvents'
  if (actionType === 'ImageLoaded') return 'DeviceImageLoadEvents'
  return 'DeviceEvents'
}

function filled(row: Record<string, CellValue>, column: string): boolean {
  const value = row[column]
  return value !== undefined && value !== null && value !== ''
}

/**
 * Picks the table of one Defender row. Known ActionType values decide
 * (network inspection types such as `DnsConnectionInspected` and
 * `NtlmAuthenticationInspected` are DeviceNetworkEvents). A row without an
 * ActionType goes by its columns: remote or local address to
 * DeviceNetworkEvents, a process command line to DeviceProcessEvents, a
 * file hash or folder to DeviceFileEvents. Any other ActionType belongs to a
 * table outside the catalog and is returned as a skip reason.
 */
export function defenderTable(
  row: Record<string, CellValue>,
): { table: string } | { skip: string } {
  const actionType =
    typeof row['ActionType'] === 'string' ? row['ActionType'] : ''
  if (
    NETWORK_ACTIONS.has(actionType) ||
    /(?:Connection|Authentication|Scan)Inspected$/.test(actionType)
  ) {
    return { table: 'DeviceNetworkEvents' }
  }
  if (FILE_ACTIONS.has(actionType)) return { table: 'DeviceFileEvents' }
  if (PROCESS_ACTIONS.has(actionType)) return { table: 'DeviceProcessEvents' }
  if (URL_CLICK_ACTIONS.has(actionType)) return { table: 'UrlClickEvents' }
  if (actionType === '') {
    if (['RemoteIP', 'RemotePort', 'LocalIP'].some((c) => filled(row, c))) {
      return { table: 'DeviceNetworkEvents' }
    }
    if (filled(row, 'ProcessCommandLine'))
      return { table: 'DeviceProcessEvents' }
    if (['SHA256', 'SHA1', 'MD5', 'FolderPath'].some((c) => filled(row, c))) {
      return { table: 'DeviceFileEvents' }
    }
    return {
      skip: 'a Defender row without ActionType and without network, process or file columns',
    }
  }
  return {
    skip: `ActionType ${actionType} belongs to ${uncatalogedTable(actionType)}, which huntpack does not load`,
  }
}

const TARGET_TABLES = [
  'DeviceNetworkEvents',
  'DeviceFileEvents',
  'DeviceProcessEvents',
  'UrlClickEvents',
]

/** Source keys of the derived columns, in order of preference. */
const DERIVED: Record<string, readonly string[]> = {
  TimeGenerated: ['TimeGenerated', 'Timestamp'],
  Timestamp: ['Timestamp', 'TimeGenerated'],
  // Some exports split ReportId by type (ReportId_long for device tables,
  // ReportId_string for UrlClickEvents).
  ReportId: ['ReportId', 'ReportId_long', 'ReportId_string'],
}

function deriveColumns(row: LogRow): void {
  for (const [column, sources] of Object.entries(DERIVED)) {
    if (filled(row, column)) continue
    const source = sources.find((s) => filled(row, s))
    if (source) row[column] = row[source]
  }
}

/** Writes rows to their Defender table, opening each table's output on first use. */
class DefenderRouter {
  private readonly outputs = new Map<string, TableOutput>()

  constructor(
    private readonly context: ReaderContext,
    private readonly columnsFor: (table: string) => readonly string[],
  ) {}

  write(row: LogRow, line: number): void {
    deriveColumns(row)
    const target = defenderTable(row)
    if ('skip' in target) {
      this.context.sink.skipped(line, target.skip)
      return
    }
    let output = this.outputs.get(target.table)
    if (!output) {
      output = this.context.sink.table(
        target.table,
        this.columnsFor(target.table),
      )
      this.outputs.set(target.table, output)
    }
    output.write(row, line)
  }
}

function catalogColumns(table: string): string[] {
  return (logTableCatalog().get(table) ?? []).map((c) => c.name)
}

/** Reads a Defender advanced hunting CSV export; each row goes to its own table. */
export function createDefenderCsvReader(context: ReaderContext): LogReader {
  let headers: string[] | undefined
  const allColumns = new Set(TARGET_TABLES.flatMap(catalogColumns))
  const router = new DefenderRouter(context, (table) => {
    // Only the columns the export has (plus the derived ones), so a part
    // table stays narrow.
    const present = new Set([...headers!, ...Object.keys(DERIVED)])
    return catalogColumns(table).filter((c) => present.has(c))
  })
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
      if (!headers) {
        headers = fields.map((h) =>
          h
            .replace(/^\uFEFF/, '')
            .replace(/\s*\[UTC\]$/, '')
            .trim(),
        )
        const unknown = headers.filter(
          (h) => !allColumns.has(h) && !DERIVED.ReportId!.includes(h),
        )
        if (unknown.length) {
          context.sink.notice(
            `columns in none of ${TARGET_TABLES.join(', ')}, not loaded: ${unknown.join(', ')}`,
          )
        }
        return
      }
      if (fields.length !== headers.length) {
        context.sink.unparsed(
          line,
          `expected ${headers.length} CSV fields, found ${fields.length}`,
        )
        return
      }
      const row: LogRow = {}
      for (let i = 0; i < fields.length; i++)
        if (fields[i] !== '') row[headers[i]!] = fields[i]
      router.write(row, line)
    },
    (line, reason) => context.sink.unparsed(line, reason),
  )
  return { line: (text, n) => csv.line(text, n), end: () => csv.end() }
}

/** Reads a Defender advanced hunting JSON export (array or JSON lines). */
export function createDefenderJsonReader(context: ReaderContext): LogReader {
  const router = new DefenderRouter(context, catalogColumns)
  const json = new JsonRecordAssembler(
    (record, line) => {
      const row: LogRow = {}
      for (const [key, value] of Object.entries(record)) {
        row[key.replace(/\s*\[UTC\]$/, '')] = jsonCell(value)
      }
      router.write(row, line)
    },
    (line, reason) => context.sink.unparsed(line, reason),
  )
  return { line: (text, n) => json.line(text, n), end: () => json.end() }
}
