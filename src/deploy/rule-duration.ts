/**
 * Durations of analytics rules in the three spellings Microsoft uses for the
 * same value: the Azure-Sentinel content repository writes `1h` or `14d` in
 * rule YAML, ARM templates use ISO 8601 (`PT1H`, `P14D`), and KQL timespan
 * literals use `1h` or `14d`. huntpack keeps a duration as whole minutes.
 */

export const MINUTES_PER_HOUR = 60
export const MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR

/** Raised when a duration text cannot be read. */
export class RuleDurationError extends Error {
  constructor(
    readonly text: string,
    reason: string,
  ) {
    super(`invalid duration ${JSON.stringify(text)}: ${reason}`)
    this.name = 'RuleDurationError'
  }
}

const SHORT_FORM = /^(\d+)([mhd])$/
const ISO_FORM = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/

/**
 * Reads a duration written as `30m`, `1h`, `14d` or ISO 8601 `PT1H30M`,
 * `P14D`, and returns whole minutes.
 *
 * @throws RuleDurationError for any other text, for seconds, and for zero.
 */
export function parseRuleDuration(text: string): number {
  const short = SHORT_FORM.exec(text)
  if (short)
    return checkPositive(text, unitMinutes(short[2]!) * Number(short[1]))

  const iso = ISO_FORM.exec(text)
  if (iso && text !== 'P' && !text.endsWith('T')) {
    const [, days, hours, minutes] = iso
    const total =
      Number(days ?? 0) * MINUTES_PER_DAY +
      Number(hours ?? 0) * MINUTES_PER_HOUR +
      Number(minutes ?? 0)
    return checkPositive(text, total)
  }
  throw new RuleDurationError(
    text,
    'use whole minutes, hours or days such as 30m, 1h, 14d, PT1H or P14D',
  )
}

function unitMinutes(unit: string): number {
  if (unit === 'd') return MINUTES_PER_DAY
  if (unit === 'h') return MINUTES_PER_HOUR
  return 1
}

function checkPositive(text: string, minutes: number): number {
  if (minutes <= 0 || !Number.isSafeInteger(minutes)) {
    throw new RuleDurationError(text, 'the duration must be longer than zero')
  }
  return minutes
}

/** Writes minutes in the short form of rule YAML and KQL: `14d`, `1h`, `90m`. */
export function formatShortDuration(minutes: number): string {
  if (minutes % MINUTES_PER_DAY === 0) return `${minutes / MINUTES_PER_DAY}d`
  if (minutes % MINUTES_PER_HOUR === 0) return `${minutes / MINUTES_PER_HOUR}h`
  return `${minutes}m`
}

/** Writes minutes as an ISO 8601 duration: `P14D`, `PT1H`, `PT1H30M`, `P1DT2H`. */
export function formatIsoDuration(minutes: number): string {
  const days = Math.floor(minutes / MINUTES_PER_DAY)
  const hours = Math.floor((minutes % MINUTES_PER_DAY) / MINUTES_PER_HOUR)
  const rest = minutes % MINUTES_PER_HOUR
  const time = `${hours ? `${hours}H` : ''}${rest ? `${rest}M` : ''}`
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`
}
