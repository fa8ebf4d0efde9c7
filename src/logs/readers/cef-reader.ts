import { CEF_KEY_COLUMNS, CEF_MAPPED_COLUMNS } from '../cef-field-map.ts'
import { CefSyntaxError, findCefStart, parseCefLine } from '../cef-parser.ts'
import { logTableCatalog, type KqlType } from '../log-table-catalog.ts'
import type { LogReader, LogRow } from '../log-row.ts'
import { parseSyslogHeader } from '../syslog-header.ts'
import { parseAnyTimestamp } from '../timestamps.ts'
import type { ReaderContext } from './reader-context.ts'

const TABLE = 'CommonSecurityLog'

const HEADER_COLUMNS = [
  'TimeGenerated',
  'DeviceVendor',
  'DeviceProduct',
  'DeviceVersion',
  'DeviceEventClassID',
  'Activity',
  'LogSeverity',
  'AdditionalExtensions',
  'Computer',
]

/** Every CommonSecurityLog column that a CEF record can fill. */
export const CEF_COLUMNS: readonly string[] = [
  ...HEADER_COLUMNS,
  ...CEF_MAPPED_COLUMNS.filter((c) => !HEADER_COLUMNS.includes(c)),
]

const INTEGER_TEXT = /^[+-]?\d+$/
const REAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

function columnTypes(): Map<string, KqlType> {
  const columns = logTableCatalog().get(TABLE) ?? []
  return new Map(columns.map((c) => [c.name, c.kqlType]))
}

/**
 * Returns the typed cell for a CEF value, or undefined when the value does
 * not fit the column type (such values go to AdditionalExtensions instead,
 * so nothing is lost).
 */
function typedValue(
  type: KqlType | undefined,
  value: string,
  referenceMicros: number,
): string | number | undefined {
  switch (type) {
    case 'int':
    case 'long': {
      if (!INTEGER_TEXT.test(value)) return undefined
      const number = Number(value)
      if (type === 'int' && Math.abs(number) > 2147483647) return undefined
      return Number.isSafeInteger(number) ? number : undefined
    }
    case 'real':
      return REAL_TEXT.test(value) ? Number(value) : undefined
    case 'datetime':
      return parseAnyTimestamp(value, referenceMicros)
    default:
      return value
  }
}

/**
 * Converts a parsed CEF line into a CommonSecurityLog row: header fields,
 * the documented key mapping, unmapped pairs as `key=value` joined by `;`
 * in AdditionalExtensions, and TimeGenerated from `rt`, else the syslog
 * header time, else the file's modification time.
 */
export function cefLineToRow(
  line: string,
  referenceMicros: number,
  types = columnTypes(),
): LogRow {
  const record = parseCefLine(line)
  const header = parseSyslogHeader(record.syslogHeader + ' ', referenceMicros)
  const row: LogRow = {
    DeviceVendor: record.deviceVendor,
    DeviceProduct: record.deviceProduct,
    DeviceVersion: record.deviceVersion,
    DeviceEventClassID: record.signatureId,
    Activity: record.name,
    LogSeverity: record.severity,
    Computer: header.host,
  }
  const additional: string[] = []
  for (const [key, value] of record.extensions) {
    const column = CEF_KEY_COLUMNS.get(key.toLowerCase())
    const typed =
      column && value !== ''
        ? typedValue(types.get(column), value, referenceMicros)
        : undefined
    if (column && value === '') continue
    if (column && typed !== undefined) row[column] = typed
    else additional.push(`${key}=${value}`)
  }
  if (additional.length) row['AdditionalExtensions'] = additional.join(';')
  const receipt = row['ReceiptTime']
  const receiptTime =
    typeof receipt === 'string'
      ? parseAnyTimestamp(receipt, referenceMicros)
      : undefined
  row['TimeGenerated'] = receiptTime ?? header.time ?? referenceMicros
  return row
}

/** Reads CEF syslog lines into CommonSecurityLog. */
export function createCefReader(context: ReaderContext): LogReader {
  const output = context.sink.table(TABLE, CEF_COLUMNS)
  const types = columnTypes()
  return {
    line(text, lineNumber) {
      if (text.trim() === '') return
      if (findCefStart(text) < 0) {
        context.sink.unparsed(
          lineNumber,
          'no "CEF:<version>|" header in the line',
        )
        return
      }
      try {
        output.write(
          cefLineToRow(text, context.referenceMicros, types),
          lineNumber,
        )
      } catch (error) {
        if (!(error instanceof CefSyntaxError)) throw error
        context.sink.unparsed(lineNumber, `invalid CEF: ${error.message}`)
      }
    },
    end() {},
  }
}
