import { IndicatorValueError } from './indicator-value-error.ts'

// `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS`, optional fraction, then
// an optional zone: `Z`, ` UTC` (ThreatFox API) or an offset such as
// `+02:00`. A timestamp without a zone is UTC, as in ThreatFox exports.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)? ?(Z|UTC|[+-]\d{2}:?\d{2})?$/i

const MILLISECONDS_PER_MINUTE = 60_000

/**
 * Converts a feed timestamp to ISO 8601 UTC with whole seconds, for example
 * `2026-04-11 19:37:36` to `2026-04-11T19:37:36Z`. Fractions of a second
 * are dropped. Only UTC arithmetic is used, so the result never depends on
 * the machine's time zone.
 *
 * @throws IndicatorValueError when the text has another form or names a
 *   date or time that does not exist, such as 2026-02-30 or 24:00:00.
 */
export function normaliseTimestamp(text: string): string {
  const match = TIMESTAMP.exec(text.trim())
  if (match === null) {
    throw new IndicatorValueError(
      `invalid timestamp "${text}": expected YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601`,
    )
  }

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number)
  const local = Date.UTC(year, month - 1, day, hour, minute, second)
  checkFieldsExist(text, local, [year, month, day, hour, minute, second])

  const offset = zoneOffsetMinutes(text, match[7])
  const utc = local - offset * MILLISECONDS_PER_MINUTE
  return `${new Date(utc).toISOString().slice(0, 19)}Z`
}

// Date.UTC rolls 2026-02-30 over to March 2, so a value that does not
// survive the round trip names a date or time that does not exist.
function checkFieldsExist(text: string, time: number, fields: number[]): void {
  const date = new Date(time)
  const roundTrip = [
    date.getUTCFullYear(),
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  ]
  if (roundTrip.every((value, index) => value === fields[index])) return

  throw new IndicatorValueError(
    `invalid timestamp "${text}": no such date or time`,
  )
}

function zoneOffsetMinutes(text: string, zone: string | undefined): number {
  if (zone === undefined || /^(Z|UTC)$/i.test(zone)) return 0

  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = Number(digits.slice(2))
  if (hours > 23 || minutes > 59) {
    throw new IndicatorValueError(
      `invalid timestamp "${text}": no such UTC offset ${zone}`,
    )
  }
  return sign * (hours * 60 + minutes)
}
