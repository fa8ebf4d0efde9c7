import type {
  DuckDBAppender,
  DuckDBConnection,
  DuckDBDataChunk,
} from '@duckdb/node-api'

import {
  cellConverter,
  INVALID,
  type CellConverter,
} from './cell-conversion.ts'
import { DataChunkBuilder, type ColumnStorage } from './data-chunk-builder.ts'
import {
  duckDbType,
  logTableCatalog,
  SOURCE_FILE_COLUMN,
  SOURCE_LINE_COLUMN,
  type KqlType,
  type LogTableColumn,
} from './log-table-catalog.ts'
import type { CellValue, LogRow } from './log-row.ts'
import { sqlIdentifier, sqlStringLiteral } from './sql-text.ts'

/** Book-keeping tables that the loader keeps in the database. */
export const FILES_TABLE = 'huntpack_log_files'
export const PARTS_TABLE = 'huntpack_log_parts'
const PART_PREFIX = 'huntpack_log_part_'
const FILE_ID_COLUMN = '_SourceFileId'

/** Called for a value that its column's type cannot hold. */
export type InvalidValueHandler = (
  column: string,
  value: CellValue,
  line: number,
) => void

function columnStorage(kqlType: KqlType): ColumnStorage {
  switch (kqlType) {
    case 'int':
      return 'integer'
    case 'long':
      return 'bigint'
    case 'real':
    case 'decimal':
      return 'double'
    case 'bool':
      return 'boolean'
    case 'datetime':
      return 'timestamp'
    case 'timespan':
      return 'interval'
    default:
      // Dynamic values are stored as text and cast to JSON by the view.
      return 'varchar'
  }
}

function storageType(kqlType: KqlType): string {
  return kqlType === 'dynamic' ? 'VARCHAR' : duckDbType(kqlType)
}

/**
 * One physical table holding the rows of one log table with one column
 * set. Rows are collected by a DataChunkBuilder and appended a data chunk
 * of 2048 rows at a time.
 */
class PartWriter {
  private readonly names: string[]
  private readonly converters: CellConverter[]
  private readonly builder: DataChunkBuilder
  private pending: DuckDBDataChunk[] = []
  appender: DuckDBAppender | undefined

  constructor(
    readonly name: string,
    readonly table: string,
    readonly columns: readonly LogTableColumn[],
    readonly constants: Readonly<Record<string, CellValue>>,
    referenceMicros: () => number,
    public exists: boolean,
  ) {
    this.names = columns.map((c) => c.name)
    this.converters = columns.map((c) =>
      cellConverter(c.kqlType, referenceMicros),
    )
    // Line numbers are stored as INTEGER (a file of 2^31 lines is over 2 GB)
    // and widened to BIGINT by the view.
    this.builder = new DataChunkBuilder([
      ...columns.map((c) => columnStorage(c.kqlType)),
      'integer',
      'integer',
    ])
  }

  createSql(): string {
    const columns = this.columns.map(
      (c) => `${sqlIdentifier(c.name)} ${storageType(c.kqlType)}`,
    )
    columns.push(
      `${sqlIdentifier(FILE_ID_COLUMN)} INTEGER`,
      `${sqlIdentifier(SOURCE_LINE_COLUMN)} INTEGER`,
    )
    return `CREATE TABLE IF NOT EXISTS ${sqlIdentifier(this.name)} (${columns.join(', ')})`
  }

  write(
    row: LogRow,
    fileId: number,
    line: number,
    onInvalid: InvalidValueHandler,
  ): void {
    const builder = this.builder
    const names = this.names
    const count = names.length
    for (let i = 0; i < count; i++) {
      const name = names[i]!
      const value = row[name]
      let converted = value == null ? null : this.converters[i]!(value)
      if (converted === INVALID) {
        onInvalid(name, value, line)
        converted = null
      }
      builder.set(i, converted)
    }
    builder.set(count, fileId)
    builder.set(count + 1, line)
    if (builder.endRow()) this.finishChunk()
  }

  /** Closes the current chunk and appends it, or queues it until the table exists. */
  finishChunk(): void {
    if (this.builder.rows === 0) return
    const chunk = this.builder.build()
    if (this.appender) this.appender.appendDataChunk(chunk)
    else this.pending.push(chunk)
  }

  appendPending(): void {
    for (const chunk of this.pending) this.appender!.appendDataChunk(chunk)
    this.pending = []
  }
}

interface StoredPart {
  part_table: string
  log_table: string
  columns: string
  constants: string
}

function partKey(
  table: string,
  columns: readonly string[],
  constants: Readonly<Record<string, CellValue>>,
): string {
  return JSON.stringify([table, columns, constants])
}

/**
 * The DuckDB side of loading: narrow part tables per log table and column
 * set, a registry of source files, and one view per catalog table that
 * unions the parts with every catalog column in catalog order.
 */
export class DuckDbLogStore {
  private readonly parts = new Map<string, PartWriter>()
  private readonly files: string[] = []
  private nextPartNumber = 1
  private referenceMicros = 0

  private constructor(private readonly connection: DuckDBConnection) {}

  /** Opens the store, reading the parts and files of earlier loads. */
  static async open(connection: DuckDBConnection): Promise<DuckDbLogStore> {
    const store = new DuckDbLogStore(connection)
    await connection.run(
      `CREATE TABLE IF NOT EXISTS ${FILES_TABLE} (file_id INTEGER, path VARCHAR)`,
    )
    await connection.run(
      `CREATE TABLE IF NOT EXISTS ${PARTS_TABLE} (part_table VARCHAR, log_table VARCHAR, columns VARCHAR, constants VARCHAR)`,
    )
    const files = await connection.runAndReadAll(
      `SELECT path FROM ${FILES_TABLE} ORDER BY file_id`,
    )
    for (const row of files.getRowObjectsJson())
      store.files.push(String(row['path']))
    const parts = await connection.runAndReadAll(`SELECT * FROM ${PARTS_TABLE}`)
    const catalog = logTableCatalog()
    for (const row of parts.getRowObjectsJson() as unknown as StoredPart[]) {
      const names = JSON.parse(row.columns) as string[]
      const constants = JSON.parse(row.constants) as Record<string, CellValue>
      const tableColumns = catalog.get(row.log_table) ?? []
      const columns = names.map((name) =>
        tableColumns.find((c) => c.name === name)!,
      )
      const writer = new PartWriter(
        row.part_table,
        row.log_table,
        columns,
        constants,
        () => store.referenceMicros,
        true,
      )
      store.parts.set(partKey(row.log_table, names, constants), writer)
      const number = Number(row.part_table.slice(PART_PREFIX.length))
      if (number >= store.nextPartNumber) store.nextPartNumber = number + 1
    }
    return store
  }

  /** Registers a source file and returns its id for `write`. */
  async addFile(path: string, referenceMicros: number): Promise<number> {
    this.files.push(path)
    this.referenceMicros = referenceMicros
    const id = this.files.length
    await this.connection.run(
      `INSERT INTO ${FILES_TABLE} VALUES (${id}, ${sqlStringLiteral(path)})`,
    )
    return id
  }

  /**
   * Returns the part for `table` with these columns and constants, creating
   * it on first use. Its DuckDB table is created by the next `settle`.
   *
   * @throws Error for a table or column that is not in the catalog.
   */
  part(
    table: string,
    columnNames: readonly string[],
    constants: Readonly<Record<string, CellValue>>,
  ): PartWriter {
    const key = partKey(table, columnNames, constants)
    const existing = this.parts.get(key)
    if (existing) return existing
    const tableColumns = logTableCatalog().get(table)
    if (!tableColumns)
      throw new Error(`log table ${table} is not in the table catalog`)
    const columns = columnNames.map((name) => {
      const column = tableColumns.find((c) => c.name === name)
      if (!column) throw new Error(`column ${name} is not in table ${table}`)
      return column
    })
    for (const name of Object.keys(constants)) {
      if (
        !tableColumns.some((c) => c.name === name) ||
        columnNames.includes(name)
      ) {
        throw new Error(
          `constant column ${name} is not a free column of table ${table}`,
        )
      }
    }
    const name = `${PART_PREFIX}${this.nextPartNumber++}`
    const writer = new PartWriter(
      name,
      table,
      columns,
      constants,
      () => this.referenceMicros,
      false,
    )
    this.parts.set(key, writer)
    return writer
  }

  /** Creates the tables and appenders of new parts and appends their queued chunks. */
  async settle(): Promise<void> {
    for (const part of this.parts.values()) {
      if (part.appender) continue
      if (!part.exists) {
        await this.connection.run(part.createSql())
        await this.connection.run(
          `INSERT INTO ${PARTS_TABLE} VALUES (${[
            part.name,
            part.table,
            JSON.stringify(part.columns.map((c) => c.name)),
            JSON.stringify(part.constants),
          ]
            .map(sqlStringLiteral)
            .join(', ')})`,
        )
        part.exists = true
      }
      part.appender = await this.connection.createAppender(part.name)
      part.appendPending()
    }
  }

  /** Appends every unfinished chunk, closes the appenders and rebuilds the views. */
  async finish(): Promise<void> {
    for (const part of this.parts.values()) part.finishChunk()
    await this.settle()
    for (const part of this.parts.values()) {
      if (!part.appender) continue
      part.appender.flushSync()
      part.appender.closeSync()
      part.appender = undefined
    }
    for (const [table, columns] of logTableCatalog()) {
      await this.connection.run(this.viewSql(table, columns))
    }
  }

  /** Closes the appenders without flushing, after a failed load. */
  abandon(): void {
    for (const part of this.parts.values()) {
      part.appender?.closeSync()
      part.appender = undefined
    }
  }

  private viewSql(
    table: string,
    catalogColumns: readonly LogTableColumn[],
  ): string {
    const columns = viewColumns(catalogColumns)
    const parts = [...this.parts.values()].filter(
      (p) => p.table === table && p.exists,
    )
    const files = `[${this.files.map(sqlStringLiteral).join(', ')}]::VARCHAR[]`
    const branches = parts.map((part) => {
      const stored = new Set(part.columns.map((c) => c.name))
      const items = columns.map((column) => {
        const name = sqlIdentifier(column.name)
        const type = duckDbType(column.kqlType)
        if (stored.has(column.name)) {
          return column.kqlType === 'dynamic'
            ? `CAST(${name} AS JSON) AS ${name}`
            : name
        }
        const constant = part.constants[column.name]
        if (constant != null)
          return `CAST(${sqlStringLiteral(String(constant))} AS ${type}) AS ${name}`
        if (column.name === 'Type')
          return `${sqlStringLiteral(table)} AS ${name}`
        return `CAST(NULL AS ${type}) AS ${name}`
      })
      items.push(
        `(${files})[${sqlIdentifier(FILE_ID_COLUMN)}] AS ${sqlIdentifier(SOURCE_FILE_COLUMN)}`,
        `CAST(${sqlIdentifier(SOURCE_LINE_COLUMN)} AS BIGINT) AS ${sqlIdentifier(SOURCE_LINE_COLUMN)}`,
      )
      return `SELECT ${items.join(', ')} FROM ${sqlIdentifier(part.name)}`
    })
    if (branches.length === 0) {
      const items = columns.map(
        (c) =>
          `CAST(NULL AS ${duckDbType(c.kqlType)}) AS ${sqlIdentifier(c.name)}`,
      )
      items.push(
        `CAST(NULL AS VARCHAR) AS ${sqlIdentifier(SOURCE_FILE_COLUMN)}`,
        `CAST(NULL AS BIGINT) AS ${sqlIdentifier(SOURCE_LINE_COLUMN)}`,
      )
      branches.push(`SELECT ${items.join(', ')} WHERE FALSE`)
    }
    return `CREATE OR REPLACE VIEW ${sqlIdentifier(table)} AS ${branches.join(' UNION ALL ')}`
  }
}

/**
 * Returns the columns a table's view has: the catalog columns in order,
 * except a column whose name differs from an earlier one only in case
 * (AzureDiagnostics has socketIp_s and socketIP_s). DuckDB identifiers are
 * case-insensitive, so the view keeps the first of such columns.
 */
export function viewColumns(
  columns: readonly LogTableColumn[],
): LogTableColumn[] {
  const seen = new Set<string>()
  return columns.filter((column) => {
    const key = column.name.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

export type { PartWriter }
