/**
 * A cell value on its way into a table. Datetime columns take a number of
 * microseconds since 1970-01-01T00:00:00Z; other columns take the JavaScript
 * value of their type, or a string that the loader converts. `null` and
 * `undefined` are stored as NULL.
 */
export type CellValue = string | number | bigint | boolean | null | undefined

/** One record for one table, by catalog column name. */
export type LogRow = Record<string, CellValue>

/** Rows of one table with one fixed column set, as opened by a reader. */
export interface TableOutput {
  /** Adds one row read from the 1-based `line` of the current file. */
  write(row: LogRow, line: number): void
}

/** Destination of a reader's rows and the records it could not load. */
export interface LogSink {
  /**
   * Opens the output for `table` with the catalog columns a reader fills.
   * `constants` are columns that have the same value in every row of this
   * output (for example EventProduct), stored once instead of per row.
   */
  table(
    table: string,
    columns: readonly string[],
    constants?: Readonly<Record<string, CellValue>>,
  ): TableOutput
  /** Records a line that could not be read, with the reason. */
  unparsed(line: number, reason: string): void
  /** Counts a well-formed record that no table takes, by reason. */
  skipped(line: number, reason: string): void
  /** Records a note about the whole file, such as columns left out. */
  notice(message: string): void
}

/** Reads one file's lines in order; created once per file. */
export interface LogReader {
  /** Handles one physical line (without its line break), 1-based. */
  line(text: string, lineNumber: number): void
  /** Handles the end of the file. */
  end(): void
}
