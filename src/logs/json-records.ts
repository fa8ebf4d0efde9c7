/** A JSON record: one object of a JSON-lines file or of a top-level array. */
export type JsonObject = Record<string, unknown>

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describeParseError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

// An object longer than this many lines is treated as broken JSON, so an
// unbalanced brace cannot make the reader buffer the rest of a large file.
const MAX_OBJECT_LINES = 100_000

/**
 * Reads JSON records line by line from either JSON lines (one object per
 * line) or a top-level array of objects spread over any number of lines,
 * as the Sentinel and Defender portals export. The first non-empty line
 * decides: `[` starts array mode. Each record is reported with the line its
 * object starts on.
 */
export class JsonRecordAssembler {
  private mode: 'unknown' | 'lines' | 'array' | 'done' = 'unknown'
  // Array mode: nesting depth inside the top-level array (0 = between
  // elements), string state, and the text of the object being read.
  private depth = 0
  private inString = false
  private escaped = false
  private parts: string[] = []
  private objectLine = 0

  constructor(
    private readonly onRecord: (record: JsonObject, line: number) => void,
    private readonly onError: (line: number, reason: string) => void,
  ) {}

  line(text: string, lineNumber: number): void {
    if (this.mode === 'unknown') {
      const trimmed = text.trimStart()
      if (trimmed === '') return
      if (trimmed.startsWith('[')) {
        this.mode = 'array'
        this.scanArrayLine(text, lineNumber, text.indexOf('[') + 1)
        return
      }
      this.mode = 'lines'
    }
    if (this.mode === 'lines') this.readJsonLine(text, lineNumber)
    else if (this.mode === 'array') this.scanArrayLine(text, lineNumber, 0)
    else if (text.trim() !== '') {
      this.onError(lineNumber, 'text after the end of the top-level JSON array')
    }
  }

  end(): void {
    if (this.mode === 'array') {
      this.onError(
        this.parts.length ? this.objectLine : 0,
        'the file ends inside the top-level JSON array',
      )
    }
  }

  private readJsonLine(text: string, lineNumber: number): void {
    const trimmed = text.trim()
    if (trimmed === '') return
    let value: unknown
    try {
      value = JSON.parse(trimmed)
    } catch (error) {
      this.onError(lineNumber, `invalid JSON: ${describeParseError(error)}`)
      return
    }
    if (!isObject(value)) {
      this.onError(lineNumber, 'the JSON value is not an object')
      return
    }
    this.onRecord(value, lineNumber)
  }

  private scanArrayLine(text: string, lineNumber: number, from: number): void {
    let segmentStart = this.depth > 0 ? from : -1
    for (let i = from; i < text.length; i++) {
      const char = text.charCodeAt(i)
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (char === 92 /* \ */) this.escaped = true
        else if (char === 34 /* " */) this.inString = false
        continue
      }
      if (this.depth === 0) {
        if (char === 123 /* { */) {
          this.depth = 1
          this.objectLine = lineNumber
          segmentStart = i
        } else if (char === 93 /* ] */) {
          this.mode = 'done'
          const rest = text.slice(i + 1).trim()
          if (rest !== '') {
            this.onError(
              lineNumber,
              'text after the end of the top-level JSON array',
            )
          }
          return
        } else if (char !== 44 /* , */ && char !== 32 && char !== 9) {
          this.onError(
            lineNumber,
            'an element of the top-level JSON array is not an object',
          )
          return
        }
        continue
      }
      if (char === 34) this.inString = true
      else if (char === 123 || char === 91 /* [ */) this.depth++
      else if (char === 125 /* } */ || char === 93) {
        this.depth--
        if (this.depth === 0) {
          this.parts.push(text.slice(segmentStart, i + 1))
          segmentStart = -1
          this.emitObject()
        }
      }
    }
    if (this.depth > 0) {
      this.parts.push(text.slice(segmentStart) + '\n')
      if (this.parts.length > MAX_OBJECT_LINES) {
        this.onError(
          this.objectLine,
          `a JSON object is still open after ${MAX_OBJECT_LINES} lines`,
        )
        this.mode = 'done'
      }
    }
  }

  private emitObject(): void {
    const text = this.parts.join('')
    this.parts = []
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      this.onError(
        this.objectLine,
        `invalid JSON: ${describeParseError(error)}`,
      )
      return
    }
    this.onRecord(value as JsonObject, this.objectLine)
  }
}
