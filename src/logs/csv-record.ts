/** A CSV record that breaks RFC 4180 quoting. */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError'
}

/**
 * Splits one CSV record (RFC 4180: comma separator, `"` quoting, `""` for a
 * quote inside a quoted field; line breaks allowed inside quotes). A quote
 * inside an unquoted field is kept as text, as most exporters do.
 */
export function splitCsvRecord(text: string): string[] {
  if (!text.includes('"')) return text.split(',')
  const fields: string[] = []
  let index = 0
  for (;;) {
    if (text.charCodeAt(index) === 34 /* " */) {
      let value = ''
      let cursor = index + 1
      for (;;) {
        const quote = text.indexOf('"', cursor)
        if (quote < 0)
          throw new CsvSyntaxError('a quoted field has no closing quote')
        value += text.slice(cursor, quote)
        if (text.charCodeAt(quote + 1) === 34) {
          value += '"'
          cursor = quote + 2
          continue
        }
        index = quote + 1
        break
      }
      fields.push(value)
      if (index === text.length) return fields
      if (text.charCodeAt(index) !== 44 /* , */) {
        throw new CsvSyntaxError(
          `text after a closing quote at character ${index + 1}`,
        )
      }
      index++
      if (index === text.length) {
        fields.push('')
        return fields
      }
    } else {
      const comma = text.indexOf(',', index)
      if (comma < 0) {
        fields.push(text.slice(index))
        return fields
      }
      fields.push(text.slice(index, comma))
      index = comma + 1
      if (index === text.length) {
        fields.push('')
        return fields
      }
    }
  }
}

function quoteCount(text: string): number {
  let count = 0
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) count++
  return count
}

// A record longer than this is treated as a quoting error, so a stray quote
// cannot make the reader buffer the rest of a large file.
const MAX_RECORD_LINES = 10_000

/**
 * Joins physical lines into CSV records: a record continues while it has an
 * odd number of quote characters (a line break inside a quoted field).
 */
export class CsvRecordAssembler {
  private parts: string[] = []
  private quotes = 0
  private startLine = 0

  constructor(
    private readonly onRecord: (text: string, line: number) => void,
    private readonly onError: (line: number, reason: string) => void,
  ) {}

  line(text: string, lineNumber: number): void {
    if (this.parts.length === 0) {
      if (text === '') return
      this.startLine = lineNumber
    }
    this.parts.push(text)
    this.quotes += quoteCount(text)
    if (this.quotes % 2 === 0) {
      this.emit()
    } else if (this.parts.length >= MAX_RECORD_LINES) {
      this.onError(
        this.startLine,
        `a quoted field is still open after ${MAX_RECORD_LINES} lines`,
      )
      this.reset()
    }
  }

  end(): void {
    if (this.parts.length === 0) return
    this.onError(this.startLine, 'the file ends inside a quoted field')
    this.reset()
  }

  private emit(): void {
    const text =
      this.parts.length === 1 ? this.parts[0]! : this.parts.join('\n')
    const line = this.startLine
    this.reset()
    this.onRecord(text, line)
  }

  private reset(): void {
    this.parts = []
    this.quotes = 0
  }
}
