import type { DuckDBConnection } from '@duckdb/node-api'

import type { Finding } from './finding.ts'
import { findingColumns } from './finding-columns.ts'
import { IndicatorProbes } from './indicator-probes.ts'
import { translateKql, type TranslatedQuery } from './kql-query-translator.ts'
import { carriedColumnName, TABLE_COLUMN } from './sql-relation.ts'
import { createEmptyTable } from './table-catalog.ts'

/** One hunting query to run: its family, file name and KQL text. */
export interface HuntQuery {
  family: string
  /** Query file as reported, for example `DCRat/DeviceNetworkEvents-ip.kql`. */
  file: string
  text: string
}

/** Outcome of one query. */
export interface QueryOutcome {
  family: string
  file: string
  status: 'ran' | 'failed'
  /** Rows the query matched before deduplication. */
  matchedRows: number
  /** Findings this query added; rows another query already reported are not counted. */
  newFindings: number
  /** Error message when the query could not be translated or run. */
  error?: string
  /** Differences from a Sentinel run that the reader should know. */
  warnings: string[]
}

/** Result of {@link runHunt}. */
export interface HuntRun {
  /** Sorted by family, table, log file, line and indicator. */
  findings: Finding[]
  outcomes: QueryOutcome[]
  /** Matches folded into an existing finding (same family, row and indicator). */
  duplicateMatches: number
}

export interface RunHuntOptions {
  /** The time `ago()` counts back from. */
  now: Date
  /** Called before each query with its 0-based index. */
  onQuery?: (index: number, total: number, query: HuntQuery) => void
}

// Columns that huntpack's query renderers add to name the match.
const MATCHED_INDICATOR = 'MatchedIndicator'
const MATCHED_COLUMN = 'MatchedColumn'
const PORT_MATCHED = 'PortMatched'

/**
 * Runs hunting queries against the log tables of `connection` and returns
 * one finding per matched log row and indicator. A query that fails to
 * translate or run is reported in its outcome and the others still run.
 * Tables a query reads that the logs did not fill are created empty.
 */
export async function runHunt(
  connection: DuckDBConnection,
  queries: readonly HuntQuery[],
  options: RunHuntOptions,
): Promise<HuntRun> {
  const tableColumns = await readTableColumns(connection)
  const findings = new Map<string, Finding>()
  const outcomes: QueryOutcome[] = []
  let duplicateMatches = 0

  for (const [index, query] of queries.entries()) {
    options.onQuery?.(index, queries.length, query)
    const outcome: QueryOutcome = {
      family: query.family,
      file: query.file,
      status: 'ran',
      matchedRows: 0,
      newFindings: 0,
      warnings: [],
    }
    outcomes.push(outcome)
    try {
      const translated = translateKql(query.text, {
        queryName: query.file,
        now: options.now,
      })
      outcome.warnings.push(...translated.warnings)
      await ensureTables(connection, translated, tableColumns, outcome)
      const rows = await matchedRows(connection, translated, outcome)
      outcome.matchedRows = rows.length
      const probes = new IndicatorProbes(translated.probes)
      let unnamed = 0
      for (const row of rows) {
        const match = describeMatch(row, translated, probes)
        if (match.indicator === '') unnamed++
        const finding = describeRow(row, tableColumns)
        const key = [
          query.family,
          finding.table,
          finding.logFile,
          finding.logLine,
          match.indicator,
        ].join('\u0000')
        const existing = findings.get(key)
        if (existing) {
          duplicateMatches++
          mergeMatch(existing, query.file, match.portMatched)
          continue
        }
        findings.set(key, {
          ...finding,
          family: query.family,
          indicator: match.indicator,
          portMatched: match.portMatched,
          matchedColumn: match.column,
          query: query.file,
          otherQueries: [],
        })
        outcome.newFindings++
      }
      if (unnamed > 0) {
        outcome.warnings.push(
          `${unnamed} matched rows have no MatchedIndicator column or where-clause list value to name the indicator`,
        )
      }
    } catch (error) {
      outcome.status = 'failed'
      outcome.error = error instanceof Error ? error.message : String(error)
    }
  }

  return {
    findings: sortFindings([...findings.values()]),
    outcomes,
    duplicateMatches,
  }
}

async function readTableColumns(
  connection: DuckDBConnection,
): Promise<Map<string, Set<string>>> {
  const reader = await connection.runAndReadAll(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'`,
  )
  const tables = new Map<string, Set<string>>()
  for (const [table, column] of reader.getRowsJS() as Array<[string, string]>) {
    const columns = tables.get(table) ?? new Set<string>()
    columns.add(column)
    tables.set(table, columns)
  }
  return tables
}

async function ensureTables(
  connection: DuckDBConnection,
  translated: TranslatedQuery,
  tableColumns: Map<string, Set<string>>,
  outcome: QueryOutcome,
): Promise<void> {
  for (const table of translated.tables) {
    if (tableColumns.has(table)) continue
    await createEmptyTable(connection, table)
    const refreshed = await readTableColumns(connection)
    tableColumns.set(table, refreshed.get(table) ?? new Set())
    outcome.warnings.push(`no log rows were loaded into ${table}`)
  }
}

async function matchedRows(
  connection: DuckDBConnection,
  translated: TranslatedQuery,
  outcome: QueryOutcome,
): Promise<Array<Record<string, unknown>>> {
  if (!translated.findingsSql) {
    outcome.warnings.push(
      'the query never returns log rows one by one, so it yields no findings',
    )
    return []
  }
  if (translated.findingsStop) {
    outcome.warnings.push(
      `findings list every matched row; the query's ${translated.findingsStop} and later operators are not applied to them`,
    )
  }
  const reader = await connection.runAndReadAll(translated.findingsSql)
  return reader.getRowObjectsJS() as Array<Record<string, unknown>>
}

function describeMatch(
  row: Readonly<Record<string, unknown>>,
  translated: TranslatedQuery,
  probes: IndicatorProbes,
): { indicator: string; column: string | null; portMatched: boolean | null } {
  const has = (name: string) =>
    translated.findingsColumns.some((column) => column.name === name)
  const probed = probes.match(row)
  const reported = has(MATCHED_INDICATOR) ? row[MATCHED_INDICATOR] : undefined
  const indicator =
    reported !== undefined && reported !== null && reported !== ''
      ? String(reported)
      : (probed?.indicator ?? '')
  const column = has(MATCHED_COLUMN)
    ? ((row[MATCHED_COLUMN] as string | null) ?? null)
    : (probed?.column ?? null)
  const port = has(PORT_MATCHED) ? row[PORT_MATCHED] : null
  return {
    indicator,
    column: column === '' ? null : column,
    portMatched: port === null || port === undefined ? null : Boolean(port),
  }
}

// The strongest port evidence wins: a query that matched the port beats
// one that matched the address only, which beats a hunt without ports.
function mergeMatch(
  finding: Finding,
  query: string,
  portMatched: boolean | null,
): void {
  if (finding.query !== query && !finding.otherQueries.includes(query)) {
    finding.otherQueries.push(query)
  }
  if (
    portMatched === true ||
    (portMatched === false && finding.portMatched === null)
  ) {
    finding.portMatched = portMatched
  }
}

function firstText(
  row: Readonly<Record<string, unknown>>,
  names: readonly string[],
): string | null {
  for (const name of names) {
    const value = row[name]
    if (value !== null && value !== undefined && String(value) !== '') {
      return String(value)
    }
  }
  return null
}

function endpoint(host: string | null, ip: string | null): string | null {
  if (host && ip && host !== ip) return `${host} (${ip})`
  return host ?? ip
}

function isoTime(value: unknown): string | null {
  if (value instanceof Date) return value.toISOString()
  if (value === null || value === undefined) return null
  return String(value)
}

type RowDescription = Pick<
  Finding,
  'table' | 'time' | 'hosts' | 'process' | 'logFile' | 'logLine'
>

/** Reads the carried source columns of a matched row. */
function describeRow(
  row: Readonly<Record<string, unknown>>,
  tableColumns: Map<string, Set<string>>,
): RowDescription {
  const table = String(row[TABLE_COLUMN])
  const roles = findingColumns(table, tableColumns.get(table) ?? new Set())
  const carried = (names: readonly string[]) => names.map(carriedColumnName)
  return {
    table,
    time: isoTime(
      carried(roles.time)
        .map((name) => row[name])
        .find((value) => value !== null && value !== undefined),
    ),
    hosts: {
      device: firstText(row, carried(roles.device)),
      source: endpoint(
        firstText(row, carried(roles.sourceHost)),
        firstText(row, carried(roles.sourceIp)),
      ),
      destination: endpoint(
        firstText(row, carried(roles.destinationHost)),
        firstText(row, carried(roles.destinationIp)),
      ),
    },
    process: firstText(row, carried(roles.process)),
    logFile: String(row[carriedColumnName('_SourceFile')] ?? ''),
    logLine: Number(row[carriedColumnName('_SourceLine')] ?? 0),
  }
}

function sortFindings(findings: Finding[]): Finding[] {
  const text = (f: Finding) => [f.family, f.table, f.logFile]
  return findings.sort((a, b) => {
    const [af, at, al] = text(a)
    const [bf, bt, bl] = text(b)
    if (af !== bf) return af < bf ? -1 : 1
    if (at !== bt) return at < bt ? -1 : 1
    if (al !== bl) return al < bl ? -1 : 1
    if (a.logLine !== b.logLine) return a.logLine - b.logLine
    if (a.indicator === b.indicator) return 0
    return a.indicator < b.indicator ? -1 : 1
  })
}
