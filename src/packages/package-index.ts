import { createRequire } from 'node:module'
import type {
  IndicatorType,
  IngestTotals,
  RejectedRecord,
} from '../indicators/indicator.ts'
import type { SuppressedIndicator } from './allowlisted-indicators.ts'
import { countObservables } from './family-indicators.ts'
import {
  deployIndexEntry,
  type DeployIndexEntry,
} from '../deploy/deploy-summary.ts'
import { queryFileText, type FamilyPackage } from './family-package.ts'
import type { Observable } from '../hunts/observable.ts'

/** One hunting query file in `index.json`. */
export interface QueryIndexEntry {
  /** Path of the `.kql` file relative to the output folder, with `/` separators. */
  file: string
  table: string
  observable: Observable
  /** Number of indicators the query searches for. */
  indicators: number
  /** Length of the query text in UTF-16 code units, without the final newline. */
  characters: number
}

/** One indicator an allow-list entry left out, in `index.json`. */
export interface SuppressedIndexEntry {
  family: string
  type: IndicatorType
  /** Canonical value, not defanged. */
  value: string
  port?: number
  reason: string
}

/** One family folder in `index.json`. */
export interface FamilyIndexEntry {
  name: string
  slug: string
  aliases: string[]
  indicators: number
  indicatorTypes: Partial<Record<Observable, number>>
  queries: QueryIndexEntry[]
  /** Analytics rules with their chunk counts, watchlist and detections, when built. */
  deploy?: DeployIndexEntry
}

/**
 * The contents of `index.json` at the top of the output folder. It contains no
 * time of the build, so the same input gives the same bytes.
 */
export interface PackageIndex {
  /** `huntpack <version>`. */
  generatedBy: string
  /** Input files as given on the command line. */
  inputs: string[]
  totals: IngestTotals
  rejected: RejectedRecord[]
  /** Indicators an allow-list entry left out of the hunts, in family order. */
  suppressed: SuppressedIndexEntry[]
  /** In code-unit order of `name`. */
  families: FamilyIndexEntry[]
}

/** The `generatedBy` text: `huntpack` and the version in package.json. */
export const GENERATED_BY: string = (() => {
  const require = createRequire(import.meta.url)
  const { version } = require('../../package.json') as { version: string }
  return `huntpack ${version}`
})()

function familyEntry(family: FamilyPackage): FamilyIndexEntry {
  return {
    name: family.name,
    slug: family.slug,
    aliases: family.aliases,
    indicators: family.indicators.length,
    indicatorTypes: Object.fromEntries(countObservables(family.indicators)),
    queries: family.hunts.map((hunt) => ({
      file: `${family.slug}/${hunt.fileName}`,
      table: hunt.table,
      observable: hunt.observable,
      indicators: hunt.indicators.length,
      characters: queryFileText(hunt).length - 1,
    })),
    ...(family.deploy ? { deploy: deployIndexEntry(family.deploy) } : {}),
  }
}

/**
 * Builds the `index.json` contents of one build. Rejected records keep their
 * ingest order, with only the `file`, `recordId`, `value` and `reason` fields.
 * Suppressed indicators keep their given order.
 */
export function buildPackageIndex(
  inputs: readonly string[],
  totals: IngestTotals,
  rejected: readonly RejectedRecord[],
  suppressed: readonly SuppressedIndicator[],
  families: readonly FamilyPackage[],
): PackageIndex {
  return {
    generatedBy: GENERATED_BY,
    inputs: [...inputs],
    totals: {
      read: totals.read,
      accepted: totals.accepted,
      merged: totals.merged,
      rejected: totals.rejected,
    },
    rejected: rejected.map(({ file, recordId, value, reason }) => ({
      file,
      recordId,
      value,
      reason,
    })),
    suppressed: suppressed.map(({ indicator, reason }) => ({
      family: indicator.family,
      type: indicator.type,
      value: indicator.value,
      ...(indicator.port === undefined ? {} : { port: indicator.port }),
      reason,
    })),
    families: families.map(familyEntry),
  }
}
