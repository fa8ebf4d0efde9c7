import type { Indicator } from '../indicators/indicator.ts'
import type { ExclusionRule } from './exclusions.ts'
import type { Observable } from './observable.ts'
import type { TimeColumn } from './table-profile.ts'

/**
 * Specification of a hunt: one family's indicators of one observable in one
 * table. Rendering is a pure function of the spec, the indicators and the
 * options, so a spec can be rendered again for a subset of indicators.
 */
export interface HuntSpec {
  family: string
  /** Table or ASIM parser name, as in `TABLE_PROFILES`. */
  table: string
  observable: Observable
}

/** Options of hunt rendering. */
export interface HuntOptions {
  /**
   * How far back the query searches, as a KQL timespan of a whole number
   * and a unit d, h, m or s. Default `14d`.
   */
  lookback?: string
  /**
   * Site values of exclusion rules that need them, by parameter name, for
   * example `adminScriptPaths`. A rule whose parameter has no values is not
   * applied and is reported as skipped.
   */
  exclusionParameters?: Readonly<Record<string, readonly string[]>>
}

/** An exclusion rule a hunt did not apply, with the reason. */
export interface SkippedExclusion {
  rule: ExclusionRule
  reason: string
}

/** A rendered hunting query and what a package needs to describe it. */
export interface Hunt extends HuntSpec {
  /** `<Table>-<observable>.kql`, for example `DeviceNetworkEvents-ip-port.kql`. */
  fileName: string
  title: string
  description: string
  /** Indicators in the query, sorted and without duplicates. */
  indicators: Indicator[]
  appliedExclusions: ExclusionRule[]
  skippedExclusions: SkippedExclusion[]
  /** Data connectors that fill the table. */
  connectors: string[]
  /** Columns of the result, in order. */
  columnsProjected: string[]
  /** Table columns the query compares with indicator values. */
  matchColumns: string[]
  timeColumn: TimeColumn
  /** Caveats a hunter should read with the results. */
  notes: string[]
  /** KQL text of the query. */
  text: string
}
