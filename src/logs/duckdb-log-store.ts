import { mkdtemp } from 'node:fs/promises'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { DuckDBConnection } from '@duckdb/node-api'

import {
  cellConverter,
  INVALID,
  type CellConverter,
} from './cell-conversion.ts'
import { CSV_DELIMITER, CsvStagingFile } from './csv-staging-file.ts'
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

// A part's staging file is loaded into DuckDB once it holds this much. It
// bounds the temporary disk space per part, and larger batches saved no
// measurable CPU time on the Zeek conn benchmark.
const LOAD_BATCH_BYTES = 64 << 20

// DuckDB's default max_line_size for read_csv (2 MiB in DuckDB 1.5); a
// batch with a longer row raises it for that batch.
const DEFAULT_MAX_LINE_BYTES = 2 << 20

/** Called for a value that its column's type cannot hold. */
export type InvalidValueHandler = (
  column: string,
  value: CellValue,
  line: number,
) => void

function storageType(kqlType: KqlType): string {
  return kqlType === 'dynamic' ? 'VARCHAR' : duckDbType(kqlType)
}

/** The type that read_csv gives a staged column; see `cellConverter`. */
function stagingType(kqlType: KqlType): string {
  if (kqlType === 'datetime' || kqlType === 'timespan') return 'BIGINT'
  return storageType(kqlType)
}

/** Converts a staged column to its storage type in the load's SELECT. */
function loadExpression(kqlType: KqlType, column: string): string {
  if (kqlType === 'datetime') return `make_timestamp(${column})`
  if (kqlType === 'timespan') return `to_microseconds(${column})`
  return column
}

/**
 * One physical table holding the rows of one log table with one column
 * set. Rows are written as text to a staging CSV file, which DuckDB's CSV
 * reader loads in batches: that costs no native call per value, which
 * DuckDB's vector API needs for every string.
 */
class PartWriter {
  private readonly converters: CellConverter[]
  private readonly fields: string[]
  readonly staging: CsvStagingFile

  constructor(
    readonly name: string,
    readonly table: string,
    readonly columns: readonly LogTableColumn[],
    readonly constants: Readonly<Record<string, CellValue>>,
    referenceMicros: () => number,
    public exists: boolean,
    stagingDirectory: string,
  ) {
    this.converters = columns.map((c) =>
      cellConverter(c.kqlType, referenceMicros),
    )
    this.fields = new Array<string>(columns.length + 2).fill('')
    this.staging = new CsvStagingFile(join(stagingDirectory, `${name}.csv`))
  }

  createSql(): string {
    const columns = this.columns.map(
      (c) => `${sqlIdentifier(c.name)} ${storageType(c.kqlType)}`,
    )
    // Line numbers are stored as INTEGER (a file of 2^31 lines is over
    // 2 GB) and widened to BIGINT by the view.
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
    const fields = this.fields
    const count = this.columns.length
    for (let i = 0; i < count; i++) {
      const name = this.columns[i]!.name
      const value = row[name]
      let cell = value == null ? null : this.converters[i]!(value)
      if (cell === INVALID) {
        onInvalid(name, value, line)
        cell = null
      }
      fields[i] = cell ?? ''
    }
    fields[count] = String(fileId)
    fields[count + 1] = String(line)
    // join builds one flat string; += would build a tree of parts that
    // costs more to copy into the file buffer and to collect.
    this.staging.append(fields.join(CSV_DELIMITER))
  }

  /** Returns the statement that appends the staged rows to the part table. */
  loadSql(): string {
    const staged = this.columns.map((c, i) => ({
      name: `c${i}`,
      type: stagingType(c.kqlType),
      select: loadExpression(c.kqlType, `c${i}`),
    }))
    staged.push(
      { name: 'file_id', type: 'INTEGER', select: 'file_id' },
      { name: 'line', type: 'INTEGER', select: 'line' },
    )
    const types = staged.map((c) => `${c.name}: '${c.type}'`).join(', ')
    const maxLineBytes = Math.max(
      DEFAULT_MAX_LINE_BYTES,
      this.staging.maxRowBytes() + 1,
    )
    // Every option is explicit, so nothing is sniffed from the data: the
    // quote and escape are both ", and an unquoted empty field is NULL.
    const options = [
      `delim = ${sqlStringLiteral(CSV_DELIMITER)}`,
      `quote = '"'`,
      `escape = '"'`,
      `new_line = '\\n'`,
      `nullstr = ''`,
      'header = false',
      'auto_detect = false',
      `max_line_size = ${maxLineBytes}`,
      `columns = {${types}}`,
    ]
    // NOTE: read_csv expands *, ? and [ in the path as a glob, so a
    // temporary directory whose path contains them cannot be loaded from.
    return (
      `INSERT INTO ${sqlIdentifier(this.name)} ` +
      `SELECT ${staged.map((c) => c.select).join(', ')} ` +
      `FROM read_csv(${sqlStringLiteral(this.staging.path)}, ${options.join(', ')})`
    )
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

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly stagingDirectory: string,
  ) {}

  /**
   * Opens the store, reading the parts and files of earlier loads, and
   * creates a directory under `os.tmpdir()` for the staging files, which
   * `finish` and `abandon` remove.
   */
  static async open(connection: DuckDBConnection): Promise<DuckDbLogStore> {
    const directory = await mkdtemp(join(tmpdir(), 'huntpack-load-'))
    const store = new DuckDbLogStore(connection, directory)
    try {
      await store.readRegistry()
    } catch (error) {
      store.abandon()
      throw error
    }
    return store
  }

  private async readRegistry(): Promise<void> {
    const connection = this.connection
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
      this.files.push(String(row['path']))
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
        () => this.referenceMicros,
        true,
        this.stagingDirectory,
      )
      this.parts.set(partKey(row.log_table, names, constants), writer)
      const number = Number(row.part_table.slice(PART_PREFIX.length))
      if (number >= this.nextPartNumber) this.nextPartNumber = number + 1
    }
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
      this.stagingDirectory,
    )
    this.parts.set(key, writer)
    return writer
  }

  /**
   * Creates the tables of new parts, and loads each staging file that has
   * reached the batch size.
   */
  async settle(): Promise<void> {
    for (const part of this.parts.values()) {
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
      if (part.staging.bytes >= LOAD_BATCH_BYTES) await this.load(part)
    }
  }

  /** Loads every staged row, rebuilds the views and removes the staging files. */
  async finish(): Promise<void> {
    await this.settle()
    for (const part of this.parts.values()) await this.load(part)
    for (const [table, columns] of logTableCatalog()) {
      await this.connection.run(this.viewSql(table, columns))
    }
    this.removeStagingDirectory()
  }

  /**
   * Removes the staging files after a failed load. Rows loaded before the
   * failure stay in their part tables.
   */
  abandon(): void {
    for (const part of this.parts.values()) part.staging.reset()
    this.removeStagingDirectory()
  }

  private async load(part: PartWriter): Promise<void> {
    if (part.staging.rows === 0) return
    part.staging.flush()
    if (process.env.HP_KEEP) { (await import('node:fs')).copyFileSync(part.staging.path, process.env.HP_KEEP); console.error(part.loadSql()) } // TEMPPROBE
    const c0 = process.cpuUsage(); const w0 = performance.now() // TEMPPROBE
    await this.connection.run(part.loadSql())
    const c1 = process.cpuUsage(c0); (globalThis as any).__loadCpu = ((globalThis as any).__loadCpu ?? 0) + c1.user + c1.system; (globalThis as any).__loadWall = ((globalThis as any).__loadWall ?? 0) + performance.now() - w0; console.error('load', part.staging.rows, part.staging.bytes, ((c1.user + c1.system)/1e6).toFixed(2)) // TEMPPROBE
    part.staging.reset()
  }

  private removeStagingDirectory(): void {
    rmSync(this.stagingDirectory, { recursive: true, force: true })
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
