import { InvalidArgumentError, Option, type Command } from 'commander'
import { Allowlist } from '../../allowlist/allowlist.ts'
import {
  parseReservedRangeCategories,
  RESERVED_RANGE_CATEGORIES,
  type ReservedRangeCategory,
} from '../../allowlist/reserved-ranges.ts'
import {
  DEFAULT_LIFECYCLE_POLICY,
  resolveLifecyclePolicy,
  type LifecyclePolicy,
} from '../../lifecycle/lifecycle-policy.ts'
import { defaultStatePath } from '../../state/default-state-path.ts'

/** Options shared by the commands that update or read the state. */
export interface StateCommandOptions {
  state?: string
  now?: Date
  lifecycle?: string
  minConfidence?: number
  allowlist: string[]
  reservedRanges: ReservedRangeCategory[]
  sinkholes: boolean
  popularDomains: boolean
}

/** Settings resolved from {@link StateCommandOptions}. */
export interface StateSettings {
  statePath: string
  /** Fixed lifecycle time from `--now`; undefined means the clock at each run. */
  now?: Date
  policy: LifecyclePolicy
  allowlist: Allowlist
}

/**
 * Parses `--now`: an ISO 8601 date (`2026-04-12`, midnight UTC) or date
 * and time; a time without a zone is read as UTC.
 */
export function parseNow(text: string): Date {
  const match =
    /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
      text.trim(),
    )
  if (!match) {
    throw new InvalidArgumentError(
      'expected an ISO 8601 date or time, for example 2026-04-12 or 2026-04-12T06:00:00Z.',
    )
  }
  const [, date, time = '00:00:00', zone = 'Z'] = match
  const parsed = new Date(`${date}T${time}${zone}`)
  if (Number.isNaN(parsed.getTime()))
    throw new InvalidArgumentError(`${text} is not a valid date or time.`)
  return parsed
}

/** Parses a confidence from 0 to 100. */
export function parseConfidence(text: string): number {
  const value = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || value > 100) {
    throw new InvalidArgumentError('expected a number from 0 to 100.')
  }
  return value
}

function parseCategories(text: string): ReservedRangeCategory[] {
  try {
    return parseReservedRangeCategories(text)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

/**
 * Adds `--state` and the lifecycle and allow-list options to `command`.
 * `withMinConfidence: false` leaves out `--min-confidence` for a command
 * that defines its own.
 */
export function addStateOptions(
  command: Command,
  { withMinConfidence = true } = {},
): Command {
  command
    .option('--state <file>', `state database (default: ${defaultStatePath()})`)
    .option(
      '--now <time>',
      'time the expiry rules use, ISO 8601 in UTC (default: the clock); for reproducible runs',
      parseNow,
    )
    .option(
      '--lifecycle <file>',
      `YAML or JSON file with expiryDays {ip, domain, url, hash} and minConfidence (defaults: ip ` +
        `${DEFAULT_LIFECYCLE_POLICY.expiryDays.ip}, domain ${DEFAULT_LIFECYCLE_POLICY.expiryDays.domain}, ` +
        `url ${DEFAULT_LIFECYCLE_POLICY.expiryDays.url}, hash ${DEFAULT_LIFECYCLE_POLICY.expiryDays.hash} days)`,
    )
  if (withMinConfidence) {
    command.option(
      '--min-confidence <percent>',
      'do not hunt indicators with a feed confidence below this, 0 to 100 (overrides the lifecycle file)',
      parseConfidence,
    )
  }
  return command
    .option(
      '--allowlist <file>',
      'user allow-list: one IP, CIDR block or domain per line, # comments; repeatable',
      collect,
      [],
    )
    .addOption(
      new Option(
        '--reserved-ranges <list>',
        `reserved address categories to suppress: all, none, or a comma list of ` +
          `${RESERVED_RANGE_CATEGORIES.join(', ')} (prefix - to leave one out)`,
      )
        .argParser(parseCategories)
        .default([...RESERVED_RANGE_CATEGORIES], 'all'),
    )
    .option(
      '--no-sinkholes',
      'hunt addresses on the shipped list of documented sinkholes',
    )
    .option(
      '--no-popular-domains',
      'hunt bare domains on the shipped list of popular services and CDNs',
    )
}

/**
 * Resolves the state path, lifecycle policy and allow-list.
 *
 * @throws LifecycleConfigError or AllowlistFileError for invalid files.
 */
export function resolveStateSettings(
  options: StateCommandOptions,
  env: NodeJS.ProcessEnv = process.env,
): StateSettings {
  return {
    statePath: options.state ?? defaultStatePath(env),
    now: options.now,
    policy: resolveLifecyclePolicy({
      file: options.lifecycle,
      minConfidence: options.minConfidence,
    }),
    allowlist: Allowlist.load({
      files: options.allowlist,
      reservedRanges: options.reservedRanges,
      sinkholes: options.sinkholes,
      popularDomains: options.popularDomains,
    }),
  }
}
