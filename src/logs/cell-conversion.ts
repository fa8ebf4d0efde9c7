import type { ChunkValue } from './data-chunk-builder.ts'
import type { KqlType } from './log-table-catalog.ts'
import type { CellValue } from './log-row.ts'
import { parseAnyTimestamp } from './timestamps.ts'

/** Returned by a converter for a value its column type cannot hold. */
export const INVALID = Symbol('invalid cell value')

/** A value ready for `DataChunkBuilder.set`, null, or INVALID. */
export type Converted = ChunkValue | null | typeof INVALID

export type CellConverter = (
  value: Exclude<CellValue, null | undefined>,
) => Converted

const INTEGER_TEXT = /^[+-]?\d+$/
const REAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const INT32_MIN = -2147483648
const INT32_MAX = 2147483647
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
// The TIMESTAMP range of DuckDB 1.5 in microseconds since the Unix epoch
// (290309 BC to 294247 AD); values outside it are not valid timestamps.
const TIMESTAMP_MIN = -9223372022400000000n
const TIMESTAMP_MAX = 9223372036854775806n

/**
 * Returns an integer-valued number as is when it is a safe integer, else as
 * a bigint within [min, max], else INVALID. Every safe integer is within
 * the int64 and TIMESTAMP ranges, and keeping it a number spares a BigInt
 * per value.
 */
function integerValue(value: number, min: bigint, max: bigint): Converted {
  if (Number.isSafeInteger(value)) return value
  if (!Number.isFinite(value)) return INVALID
  const exact = BigInt(value)
  return exact >= min && exact <= max ? exact : INVALID
}

function toText(value: Exclude<CellValue, null | undefined>): string | null {
  const text = typeof value === 'string' ? value : String(value)
  // Empty strings are stored as NULL: KQL has no null string, and the
  // local engine reads a NULL string as "" (coalesce), so nothing changes
  // for queries while empty cells cost no storage work.
  return text === '' ? null : text
}

function toInt(value: Exclude<CellValue, null | undefined>): Converted {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX
      ? value
      : INVALID
  }
  if (typeof value === 'bigint') return toInt(Number(value))
  if (typeof value === 'boolean') return INVALID
  const text = value.trim()
  if (text === '') return null
  return INTEGER_TEXT.test(text) ? toInt(Number(text)) : INVALID
}

function toLong(value: Exclude<CellValue, null | undefined>): Converted {
  if (typeof value === 'bigint')
    return value >= INT64_MIN && value <= INT64_MAX ? value : INVALID
  if (typeof value === 'number')
    return Number.isSafeInteger(value) ? value : INVALID
  if (typeof value === 'boolean') return INVALID
  const text = value.trim()
  if (text === '') return null
  if (!INTEGER_TEXT.test(text)) return INVALID
  // Up to 15 digits are exact as a number (2^53 has 16).
  return text.length <= 15 ? Number(text) : toLong(BigInt(text))
}

function toReal(value: Exclude<CellValue, null | undefined>): Converted {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (typeof value === 'boolean') return INVALID
  const text = value.trim()
  if (text === '') return null
  return REAL_TEXT.test(text) ? Number(text) : INVALID
}

const TRUE_TEXT = new Set(['true', 't', '1', 'yes'])
const FALSE_TEXT = new Set(['false', 'f', '0', 'no'])

function toBool(value: Exclude<CellValue, null | undefined>): Converted {
  if (typeof value === 'boolean') return value
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (value == 1) return true
    if (value == 0) return false
    return INVALID
  }
  const text = value.trim().toLowerCase()
  if (text === '') return null
  if (TRUE_TEXT.has(text)) return true
  if (FALSE_TEXT.has(text)) return false
  return INVALID
}

function toDynamic(value: Exclude<CellValue, null | undefined>): Converted {
  if (typeof value !== 'string')
    return JSON.stringify(typeof value === 'bigint' ? String(value) : value)
  if (value === '') return null
  try {
    JSON.parse(value)
    return value
  } catch {
    // Kusto keeps a dynamic value that is not JSON as a string value.
    return JSON.stringify(value)
  }
}

const TIMESPAN_TEXT = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/

/** Timespans are converted to microseconds. */
function toTimespan(value: Exclude<CellValue, null | undefined>): Converted {
  if (typeof value === 'number')
    return integerValue(Math.trunc(value), INT64_MIN, INT64_MAX)
  if (typeof value !== 'string') return INVALID
  const match = TIMESPAN_TEXT.exec(value.trim())
  if (!match) return value.trim() === '' ? null : INVALID
  const seconds =
    Number(match[1] ?? 0) * 86400 +
    Number(match[2]) * 3600 +
    Number(match[3]) * 60 +
    Number(match[4])
  const micros =
    seconds * 1e6 + Number((match[5] ?? '').slice(0, 6).padEnd(6, '0'))
  return integerValue(micros, INT64_MIN, INT64_MAX)
}

/**
 * Returns the converter for a column type. Its result has the JavaScript
 * type that `DataChunkBuilder` takes for the column's storage: datetimes
 * and timespans become microseconds, 64-bit integers a number when safe
 * and a bigint beyond that. Datetimes take microseconds since the Unix
 * epoch or any text that parseAnyTimestamp reads, with `referenceMicros`
 * supplying the year of syslog-style times. A datetime outside DuckDB's
 * TIMESTAMP range, or a timespan beyond 64-bit microseconds, is INVALID.
 */
export function cellConverter(
  kqlType: KqlType,
  referenceMicros: () => number,
): CellConverter {
  switch (kqlType) {
    case 'string':
    case 'guid':
      return toText
    case 'int':
      return toInt
    case 'long':
      return toLong
    case 'real':
    case 'decimal':
      return toReal
    case 'bool':
      return toBool
    case 'dynamic':
      return toDynamic
    case 'timespan':
      return toTimespan
    case 'datetime':
      return (value) => {
        let micros: number | undefined
        if (typeof value === 'number') micros = value
        else if (typeof value === 'string')
          micros = parseAnyTimestamp(value, referenceMicros())
        if (micros === undefined || !Number.isFinite(micros)) {
          return typeof value === 'string' && value.trim() === ''
            ? null
            : INVALID
        }
        return integerValue(Math.trunc(micros), TIMESTAMP_MIN, TIMESTAMP_MAX)
      }
  }
}
