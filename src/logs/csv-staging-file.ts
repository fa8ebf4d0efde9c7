import { writeFileSync } from 'node:fs'

// Rows are kept as one string until it reaches this many UTF-16 code units,
// so a row costs no system call.
const WRITE_BUFFER_CHARS = 1 << 20

/** The field separator of staging files. */
export const CSV_DELIMITER = '\t'

/**
 * Returns `text` as a quoted CSV field: the text between double quotes, with
 * each `"` doubled. Tabs, line breaks and backslashes stay as they are,
 * because a quoted field ends only at a lone `"`.
 */
export function quoteCsvField(text: string): string {
  return text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`
}

/**
 * A temporary CSV file that collects rows of one part table until DuckDB
 * loads it. Fields are separated by tabs and rows end with `\n`. Text
 * fields are quoted by `quoteCsvField`, other fields are plain numbers or
 * `true`/`false`, and an empty unquoted field is NULL. Rows pass through a
 * buffer of about 1 MiB, and the file is open only while a buffer is
 * written, so many parts hold no file descriptors.
 */
export class CsvStagingFile {
  private buffer: string[] = []
  private bufferChars = 0
  private longestRowChars = 0
  /** Rows appended since the last `reset`. */
  rows = 0
  /** Bytes written to the file since the last `reset`, without the buffer. */
  bytes = 0

  constructor(readonly path: string) {}

  /** Adds one row: its fields joined by tabs, without the line break. */
  append(row: string): void {
    this.buffer.push(row)
    this.rows++
    this.bufferChars += row.length + 1
    if (row.length > this.longestRowChars) this.longestRowChars = row.length
    if (this.bufferChars >= WRITE_BUFFER_CHARS) this.flush()
  }

  /**
   * Returns an upper bound of the longest row's size in bytes: a UTF-16
   * code unit takes at most 3 bytes of UTF-8 (a surrogate pair, two units,
   * takes 4).
   */
  maxRowBytes(): number {
    return this.longestRowChars * 3
  }

  /** Writes the buffered rows to the file, which the first write of a batch replaces. */
  flush(): void {
    if (this.buffer.length === 0) return
    this.buffer.push('')
    const data = Buffer.from(this.buffer.join('\n'), 'utf8')
    this.buffer = []
    this.bufferChars = 0
    writeFileSync(this.path, data, { flag: this.bytes === 0 ? 'w' : 'a' })
    this.bytes += data.length
  }

  /** Starts the next batch after a load; the next write replaces the file. */
  reset(): void {
    this.buffer = []
    this.bufferChars = 0
    this.rows = 0
    this.bytes = 0
    this.longestRowChars = 0
  }
}
