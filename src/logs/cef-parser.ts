/**
 * CEF (ArcSight Common Event Format) parsing: the syslog prefix, the seven
 * header fields and the extension. Escapes follow the CEF specification:
 * in the header `\|` and `\\`; in extension values `\=`, `\\`, `\n` and
 * `\r`. A backslash before any other character is kept as it is.
 */

/** One parsed CEF record. */
export interface CefRecord {
  readonly version: string
  readonly deviceVendor: string
  readonly deviceProduct: string
  readonly deviceVersion: string
  readonly signatureId: string
  readonly name: string
  readonly severity: string
  /** Extension pairs in line order; a repeated key keeps every value. */
  readonly extensions: ReadonlyArray<readonly [string, string]>
  /** The syslog header before `CEF:`, trimmed; empty when there is none. */
  readonly syslogHeader: string
}

/** A line that is not a well-formed CEF record. */
export class CefSyntaxError extends Error {
  override name = 'CefSyntaxError'
}

const HEADER_FIELD_COUNT = 7

/** Returns the index of `CEF:<digits>|` in `line`, or -1. */
export function findCefStart(line: string): number {
  let index = line.indexOf('CEF:')
  while (index >= 0) {
    if (/^CEF:\d+\|/.test(line.slice(index, index + 12))) return index
    index = line.indexOf('CEF:', index + 4)
  }
  return -1
}

function unescapeHeader(field: string): string {
  if (!field.includes('\\')) return field
  return field.replace(/\\([\\|])/g, '$1')
}

const VALUE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  '=': '=',
  n: '\n',
  r: '\r',
}

/** Unescapes an extension value (`\=`, `\\`, `\n`, `\r`). */
export function unescapeExtensionValue(value: string): string {
  if (!value.includes('\\')) return value
  return value.replace(/\\([\\=nr])/g, (_, c: string) => VALUE_ESCAPES[c]!)
}

// A key starts the line or follows a space, and its `=` is unescaped because
// a backslash is not a key character. Keys are letters, digits and `_.-[]`
// (vendor extensions such as `TrendMicroDsTenant` or `ad.name`).
const KEY_PATTERN = /(?:^| )([A-Za-z0-9_.[\]-]+)=/g

/**
 * Splits an extension into key/value pairs. A value runs until the space
 * before the next `key=`; values are unescaped and trimmed.
 */
export function parseCefExtension(extension: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  const keys: Array<{ key: string; start: number; valueStart: number }> = []
  KEY_PATTERN.lastIndex = 0
  for (
    let m = KEY_PATTERN.exec(extension);
    m;
    m = KEY_PATTERN.exec(extension)
  ) {
    keys.push({ key: m[1]!, start: m.index, valueStart: m.index + m[0].length })
  }
  const leading = keys.length ? extension.slice(0, keys[0]!.start) : extension
  if (leading.trim() !== '') {
    throw new CefSyntaxError(
      `extension text ${JSON.stringify(leading.trim().slice(0, 40))} has no key=`,
    )
  }
  for (let i = 0; i < keys.length; i++) {
    const end = i + 1 < keys.length ? keys[i + 1]!.start : extension.length
    const raw = extension.slice(keys[i]!.valueStart, end)
    // Trimmed before unescaping, so an escaped \n or \r at the edge stays.
    pairs.push([keys[i]!.key, unescapeExtensionValue(raw.trim())])
  }
  return pairs
}

/** Parses one line holding a CEF record after an optional syslog header. */
export function parseCefLine(line: string): CefRecord {
  const start = findCefStart(line)
  if (start < 0) throw new CefSyntaxError('no "CEF:<version>|" in the line')
  const fields: string[] = []
  let fieldStart = start + 4
  let index = fieldStart
  while (fields.length < HEADER_FIELD_COUNT && index < line.length) {
    const char = line.charCodeAt(index)
    if (char === 92 /* \ */) {
      index += 2
      continue
    }
    if (char === 124 /* | */) {
      fields.push(unescapeHeader(line.slice(fieldStart, index)))
      fieldStart = index + 1
    }
    index++
  }
  if (fields.length < HEADER_FIELD_COUNT) {
    throw new CefSyntaxError(
      `the CEF header has ${fields.length} of ${HEADER_FIELD_COUNT} "|"-terminated fields`,
    )
  }
  return {
    version: fields[0]!,
    deviceVendor: fields[1]!,
    deviceProduct: fields[2]!,
    deviceVersion: fields[3]!,
    signatureId: fields[4]!,
    name: fields[5]!,
    severity: fields[6]!,
    extensions: parseCefExtension(line.slice(fieldStart)),
    syslogHeader: line.slice(0, start).trim(),
  }
}
