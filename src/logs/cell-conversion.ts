import { DuckDBIntervalValue, DuckDBTimestampValue } from '@duckdb/node-api'

import type { KqlType } from './log-table-catalog.ts'
import type { CellValue } from './log-row.ts'
import { parseAnyTimestamp } from './timestamps.ts'

/** Returned by a converter for a value its column type cannot hold. */
export const INVALID = Symbol('invalid cell value')

/** A value ready for a DuckDB vector, null, or INVALID. */
export type Converted =
  | string
  | number
  | bigint
  | boolean
  | DuckDBTimestampValue
  | DuckDBIntervalValue
  | null
  | typeof INVALID

export type CellConverter = (
  value: Exclude<CellValue, null | undefined>,
) => Converted

const INTEGER_TEXT = /^[+-]?\d+$/
const REAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const INT32_MIN = -2147483648
const INT32_MAX = 2147483647
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

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
    return Number.isSafeInteger(value) ? BigInt(value) : INVALID
  if (typeof value === 'boolean') return INVALID
  const text = value.trim()
  if (text === '') return null
  return INTEGER_TEXT.test(text) ? toLong(BigInt(text)) : INVALID
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

function toTimespan(value: Exclude<CellValue, null | undefined>): Converted {
  if (typeof value === 'number')
    return new DuckDBIntervalValue(0, 0, BigInt(Math.trunc(value)))
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
  return new DuckDBIntervalValue(0, 0, BigInt(micros))
}

/**
 * Returns the converter for a column type. Datetimes take microseconds
 * since the Unix epoch or any text that parseAnyTimestamp reads, with
 * `referenceMicros` supplying the year of syslog-style times.
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
        return new DuckDBTimestampValue(BigInt(Math.trunc(micros)))
      }
  }
}
