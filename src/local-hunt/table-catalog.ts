import type { DuckDBConnection } from '@duckdb/node-api'

import {
  duckDbType,
  logTableCatalog,
  SOURCE_FILE_COLUMN,
  SOURCE_LINE_COLUMN,
} from '../logs/log-table-catalog.ts'
import { sqlIdentifier } from './sql-literal.ts'
import { kqlTypeFromName, type Column } from './sql-relation.ts'

/** Column lists of the tables the local engine can hunt, by table name. */
export type TableCatalog = ReadonlyMap<string, readonly Column[]>

/** Columns every loaded log table has after its catalog columns. */
export const SOURCE_COLUMNS: readonly Column[] = [
  { name: SOURCE_FILE_COLUMN, type: 'string' },
  { name: SOURCE_LINE_COLUMN, type: 'long' },
]

let catalog: TableCatalog | undefined

/**
 * Returns the tables that logs load into (the Sentinel table catalog plus
 * the ASIM tables behind `_Im_Dns` and `_Im_WebSession`), each with the
 * `_SourceFile` and `_SourceLine` columns that the log readers add.
 */
export function huntCatalog(): TableCatalog {
  if (catalog) return catalog
  const tables = new Map<string, Column[]>()
  for (const [table, columns] of logTableCatalog()) {
    tables.set(table, [
      ...columns.map((c) => ({
        name: c.name,
        type: kqlTypeFromName(c.kqlType),
      })),
      ...SOURCE_COLUMNS,
    ])
  }
  catalog = tables
  return catalog
}

/**
 * Creates an empty DuckDB table with the catalog columns of `table`, typed
 * as the log loader types them. The engine uses it for tables a query reads
 * that no log file filled, so the query still runs and finds nothing.
 */
export async function createEmptyTable(
  connection: DuckDBConnection,
  table: string,
): Promise<void> {
  const columns = logTableCatalog().get(table)
  if (!columns)
    throw new Error(`table ${table} is not in the log table catalog`)
  const definitions = [
    ...columns.map((c) => `${sqlIdentifier(c.name)} ${duckDbType(c.kqlType)}`),
    `${sqlIdentifier(SOURCE_FILE_COLUMN)} VARCHAR`,
    `${sqlIdentifier(SOURCE_LINE_COLUMN)} BIGINT`,
  ]
  await connection.run(
    `CREATE TABLE IF NOT EXISTS ${sqlIdentifier(table)} (${definitions.join(', ')})`,
  )
}
