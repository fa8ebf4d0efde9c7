import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import type { IndicatorType } from '../indicators/indicator.ts'

/** Indicator kinds that share one expiry period. */
export type ExpiryClass = 'ip' | 'domain' | 'url' | 'hash'

/** Rules that decide whether a stored indicator is still hunted. */
export interface LifecyclePolicy {
  /**
   * Days after an indicator was last seen in the feed (its `lastSeen`, or
   * `firstSeen` when the feed reports none) after which it expires.
   */
  expiryDays: Record<ExpiryClass, number>
  /** Indicators with a lower feed confidence (0 to 100) are not hunted. */
  minConfidence: number
}

/**
 * Default expiry: C2 addresses move within weeks, domains and URLs stay in
 * use longer, and a file hash never stops identifying its file.
 * NOTE: these periods are huntpack's choice, not a published standard;
 * tune them with a lifecycle file.
 */
export const DEFAULT_LIFECYCLE_POLICY: LifecyclePolicy = {
  expiryDays: { ip: 30, domain: 90, url: 90, hash: 365 },
  minConfidence: 0,
}

/** Returns the expiry class of an indicator type (`ip:port` and bare IPs are `ip`). */
export function expiryClassOf(type: IndicatorType): ExpiryClass {
  switch (type) {
    case 'ip':
    case 'domain':
    case 'url':
      return type
    case 'md5':
    case 'sha1':
    case 'sha256':
      return 'hash'
  }
}

const days = z.number().int().min(1).max(36_500)

/** Shape of a lifecycle file; every field is optional. */
const LIFECYCLE_FILE_SCHEMA = z
  .object({
    expiryDays: z
      .object({ ip: days, domain: days, url: days, hash: days })
      .partial()
      .strict()
      .optional(),
    minConfidence: z.number().min(0).max(100).optional(),
  })
  .strict()

/** A lifecycle file that cannot be read or is invalid. */
export class LifecycleConfigError extends Error {
  constructor(
    readonly file: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`Lifecycle file ${file} is invalid: ${problem}`, options)
    this.name = 'LifecycleConfigError'
  }
}

/**
 * Reads a lifecycle file (YAML, or JSON, which is YAML too), for example:
 *
 * ```yaml
 * expiryDays: { ip: 14, domain: 60 }
 * minConfidence: 75
 * ```
 *
 * Fields left out keep the defaults. Expiry periods are whole days from 1
 * to 36,500; the confidence is 0 to 100.
 *
 * @throws LifecycleConfigError naming the file and the invalid field.
 */
export function readLifecycleFile(file: string): LifecyclePolicy {
  let parsed: unknown
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new LifecycleConfigError(file, reason, { cause: error })
  }

  const result = LIFECYCLE_FILE_SCHEMA.safeParse(parsed ?? {})
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    )
    throw new LifecycleConfigError(file, problems.join('; '))
  }

  return {
    expiryDays: {
      ...DEFAULT_LIFECYCLE_POLICY.expiryDays,
      ...result.data.expiryDays,
    },
    minConfidence:
      result.data.minConfidence ?? DEFAULT_LIFECYCLE_POLICY.minConfidence,
  }
}

/**
 * Combines the defaults, an optional lifecycle file and an optional
 * `--min-confidence` value, later ones winning.
 */
export function resolveLifecyclePolicy(options: {
  file?: string
  minConfidence?: number
}): LifecyclePolicy {
  const base = options.file
    ? readLifecycleFile(options.file)
    : DEFAULT_LIFECYCLE_POLICY
  return {
    expiryDays: { ...base.expiryDays },
    minConfidence: options.minConfidence ?? base.minConfidence,
  }
}
