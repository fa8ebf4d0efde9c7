import { readFileSync } from 'node:fs'

import { sentinelCatalog } from '../targets/kql/schema-catalog.ts'

/** KQL scalar type names that the table catalogs use. */
export type KqlType =
  | 'string'
  | 'int'
  | 'long'
  | 'real'
  | 'bool'
  | 'datetime'
  | 'dynamic'
  | 'guid'
  | 'timespan'
  | 'decimal'

/** One catalog column: its name and KQL type. */
export interface LogTableColumn {
  readonly name: string
  readonly kqlType: KqlType
}

/** Ordered column lists of the tables that logs load into, by table name. */
export type LogTableCatalog = ReadonlyMap<string, readonly LogTableColumn[]>

/** Hidden columns that every loaded table has after its catalog columns. */
export const SOURCE_FILE_COLUMN = '_SourceFile'
export const SOURCE_LINE_COLUMN = '_SourceLine'

type RawCatalog = Record<string, Array<[string, string]>>

let catalog: LogTableCatalog | undefined

function readCatalogJson(relativeUrl: string): RawCatalog {
  return JSON.parse(
    readFileSync(new URL(relativeUrl, import.meta.url), 'utf8'),
  ) as RawCatalog
}

/**
 * Returns the tables that log files load into: every table of the Sentinel
 * catalog (`sentinelCatalog()`) plus the ASIM tables of
 * `schemas/asim-tables.json` that the Sentinel catalog lacks
 * (ASimDnsActivityLogs and ASimWebSessionLogs, which back `_Im_Dns` and
 * `_Im_WebSession`). A table in both takes the Sentinel catalog's columns.
 *
 * @throws SchemaCatalogError when the Sentinel catalog file is invalid.
 */
export function logTableCatalog(): LogTableCatalog {
  if (catalog) return catalog
  const sentinel = sentinelCatalog()
  const tables = new Map<string, LogTableColumn[]>()
  for (const table of sentinel.tableNames) {
    tables.set(
      table,
      sentinel
        .tableColumns(table)
        .map((c) => ({ name: c.name, kqlType: c.type as KqlType })),
    )
  }
  const asim = readCatalogJson('./schemas/asim-tables.json')
  for (const [table, columns] of Object.entries(asim)) {
    if (tables.has(table)) continue
    tables.set(
      table,
      columns.map(([name, type]) => ({ name, kqlType: type as KqlType })),
    )
  }
  catalog = tables
  return catalog
}

/**
 * Returns the DuckDB type that stores a KQL type. Datetimes are TIMESTAMP
 * holding UTC (no time zone attached), so results never depend on the
 * DuckDB session's TimeZone setting; dynamic values are JSON text.
 */
export function duckDbType(kqlType: KqlType): string {
  switch (kqlType) {
    case 'string':
    case 'guid':
      return 'VARCHAR'
    case 'int':
      return 'INTEGER'
    case 'long':
      return 'BIGINT'
    case 'real':
    case 'decimal':
      return 'DOUBLE'
    case 'bool':
      return 'BOOLEAN'
    case 'datetime':
      return 'TIMESTAMP'
    case 'dynamic':
      return 'JSON'
    case 'timespan':
      return 'INTERVAL'
  }
}
