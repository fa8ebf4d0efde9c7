/**
 * Timestamp parsers for log formats. Each returns microseconds since
 * 1970-01-01T00:00:00Z, or undefined for text it cannot read. None of them
 * uses the process time zone: a timestamp without an offset is read as UTC.
 */

const MICROS_PER_SECOND = 1_000_000
const MONTHS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
]

/** Microseconds of a fraction's digits; digits past the sixth are cut. */
function fractionMicros(digits: string | undefined): number {
  if (!digits) return 0
  return Number(digits.slice(0, 6).padEnd(6, '0'))
}

function offsetMinutes(zone: string | undefined): number | undefined {
  if (!zone || zone === 'Z' || zone === 'z') return 0
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)
  if (!match) return undefined
  const minutes = Number(match[2]) * 60 + Number(match[3])
  return match[1] === '-' ? -minutes : minutes
}

/** Builds microseconds from calendar fields, or undefined if any is out of range. */
export function utcMicros(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  micros = 0,
): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined
  if (hour > 23 || minute > 59 || second > 60) return undefined
  const millis = Date.UTC(year, month - 1, day, hour, minute, second)
  if (Number.isNaN(millis)) return undefined
  // Date.UTC rolls 31 April over to 1 May; reject such dates instead.
  if (new Date(millis).getUTCDate() !== day && second < 60) return undefined
  return millis * 1000 + micros
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/

/**
 * Parses ISO 8601 and RFC 3339 date-times such as `2024-12-18T19:36:48.669714-0500`,
 * `2023-12-21T19:04:59.0109752Z` or `2020-08-06 07:56:20.207` (no offset: UTC).
 */
export function parseIsoTimestamp(text: string): number | undefined {
  const match = ISO_PATTERN.exec(text.trim())
  if (!match) return undefined
  const offset = offsetMinutes(match[8])
  if (offset === undefined) return undefined
  const micros = utcMicros(
    Number(match[1]),
    Number(match[2]),
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6] ?? 0),
    fractionMicros(match[7]),
  )
  return micros === undefined
    ? undefined
    : micros - offset * 60 * MICROS_PER_SECOND
}

/**
 * Parses a Unix epoch time. Text with a fraction (`1541117137.618695`) is
 * seconds. An integer's unit follows from its digit count: up to 11 digits
 * seconds, 12 to 14 milliseconds, 15 to 17 microseconds, 18 or more
 * nanoseconds (FortiGate `eventtime` uses all of these across versions).
 */
export function parseEpochTimestamp(text: string): number | undefined {
  const trimmed = text.trim()
  const length = trimmed.length
  // A scan for /^\d+(\.\d+)?$/ without a regular expression or substrings,
  // because Zeek logs have one such time per record.
  let dot = -1
  for (let i = 0; i < length; i++) {
    const code = trimmed.charCodeAt(i)
    if (code >= 48 && code <= 57) continue
    if (code !== 46 || dot >= 0 || i === 0) return undefined
    dot = i
  }
  if (length === 0 || dot === length - 1) return undefined
  if (dot < 0) {
    if (length <= 11) return Number(trimmed) * MICROS_PER_SECOND
    if (length <= 14) return Number(trimmed) * 1000
    if (length <= 17) return Number(trimmed)
    return Number(trimmed.slice(0, length - 3))
  }
  return (
    wholeNumber(trimmed, dot) * MICROS_PER_SECOND +
    fractionDigitsMicros(trimmed, dot + 1)
  )
}

/** Returns the number that the first `end` characters (all digits) write. */
function wholeNumber(digits: string, end: number): number {
  // Up to 15 digits, the sum is exact, as Number() is. Longer text goes
  // through Number() so that it rounds the same way.
  if (end > 15) return Number(digits.slice(0, end))
  let value = 0
  for (let i = 0; i < end; i++) value = value * 10 + digits.charCodeAt(i) - 48
  return value
}

/** Returns fractionMicros of the digits from `start` on, without a substring. */
function fractionDigitsMicros(digits: string, start: number): number {
  const end = Math.min(digits.length, start + 6)
  let value = 0
  for (let i = start; i < end; i++)
    value = value * 10 + digits.charCodeAt(i) - 48
  for (let i = end - start; i < 6; i++) value *= 10
  return value
}

const US_PATTERN =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*([AaPp][Mm])?$/

/**
 * Parses the US date-time that the Sentinel portal writes into CSV and JSON
 * exports, `8/17/2023, 6:52:13 AM` or `3/31/2022, 10:52:35.857 AM` (UTC).
 */
export function parseUsDateTime(text: string): number | undefined {
  const match = US_PATTERN.exec(text.trim())
  if (!match) return undefined
  let hour = Number(match[4])
  const meridiem = match[8]?.toLowerCase()
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined
    if (meridiem === 'am' && hour === 12) hour = 0
    if (meridiem === 'pm' && hour !== 12) hour += 12
  }
  return utcMicros(
    Number(match[3]),
    Number(match[1]),
    Number(match[2]),
    hour,
    Number(match[5]),
    Number(match[6] ?? 0),
    fractionMicros(match[7]),
  )
}

/** Parses `2018/09/20 13:03:58` (PAN-OS), read as UTC. */
export function parseSlashDateTime(text: string): number | undefined {
  const match = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(
    text.trim(),
  )
  if (!match) return undefined
  return utcMicros(
    Number(match[1]),
    Number(match[2]),
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6]),
  )
}

function monthNumber(name: string): number | undefined {
  const index = MONTHS.indexOf(name.slice(0, 3).toLowerCase())
  return index < 0 ? undefined : index + 1
}

/**
 * Picks the year of a timestamp that has none (RFC 3164 syslog): the year of
 * `reference`, or the year before when that would put the timestamp more
 * than 31 days after the reference (a December line read in January).
 */
function withInferredYear(
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  micros: number,
  referenceMicros: number,
): number | undefined {
  const year = new Date(referenceMicros / 1000).getUTCFullYear()
  const sameYear = utcMicros(year, month, day, hour, minute, second, micros)
  if (sameYear === undefined) return undefined
  const slack = 31 * 24 * 3600 * MICROS_PER_SECOND
  if (sameYear - referenceMicros <= slack) return sameYear
  return utcMicros(year - 1, month, day, hour, minute, second, micros)
}

const MONTH_NAME_PATTERN =
  /^([A-Za-z]{3})\s+(\d{1,2})(?:\s+(\d{4}))?\s+(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:\s+(\S+))?$/

/**
 * Parses `Sep 18 14:58:29` (RFC 3164 syslog) and the CEF date formats
 * `MMM dd yyyy HH:mm:ss[.SSS] [zone]` and `MMM dd HH:mm:ss[.SSS] [zone]`. A
 * missing year comes from `referenceMicros` (see withInferredYear). Zones
 * other than `UTC`, `GMT`, `Z` or a numeric offset are rejected.
 */
export function parseMonthNameTimestamp(
  text: string,
  referenceMicros: number,
): number | undefined {
  const match = MONTH_NAME_PATTERN.exec(text.trim())
  if (!match) return undefined
  const month = monthNumber(match[1]!)
  if (month === undefined) return undefined
  let offset = 0
  if (match[8]) {
    const zone = match[8].replace(/^(UTC|GMT)/i, '')
    const parsed = zone === '' ? 0 : offsetMinutes(zone)
    if (parsed === undefined) return undefined
    offset = parsed
  }
  const fields = [
    Number(match[2]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6]),
    fractionMicros(match[7]),
  ] as const
  const micros = match[3]
    ? utcMicros(Number(match[3]), month, ...fields)
    : withInferredYear(month, ...fields, referenceMicros)
  return micros === undefined
    ? undefined
    : micros - offset * 60 * MICROS_PER_SECOND
}

/**
 * Parses any timestamp the readers meet: epoch numbers, ISO 8601, the
 * Sentinel export's US format, PAN-OS slashes and month-name formats.
 */
export function parseAnyTimestamp(
  text: string,
  referenceMicros: number,
): number | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  return (
    parseEpochTimestamp(trimmed) ??
    parseIsoTimestamp(trimmed) ??
    parseUsDateTime(trimmed) ??
    parseSlashDateTime(trimmed) ??
    parseMonthNameTimestamp(trimmed, referenceMicros)
  )
}
