import type { Indicator } from '../../indicators/indicator.ts'
import type { Hunt, HuntOptions, HuntSpec } from '../../hunts/hunt.ts'
import { HuntInputError } from '../../hunts/hunt-input-error.ts'
import { observableOf, type Observable } from '../../hunts/observable.ts'
import { observableColumns } from '../../hunts/observable-columns.ts'
import {
  orderIndicators,
  planFamilyHunts,
} from '../../hunts/plan-family-hunts.ts'
import { selectExclusions } from '../../hunts/select-exclusions.ts'
import type { TableProfile } from '../../hunts/table-profile.ts'
import { findTableProfile } from '../../hunts/table-profiles.ts'
import { KqlLiteralError, kqlString, kqlTimespan } from './kql-literal.ts'
import { renderDomainMatch } from './render-domain-match.ts'
import { exclusionStages } from './render-exclusions.ts'
import {
  huntDescription,
  huntHeader,
  huntNotes,
  huntTitle,
  type HuntSubject,
} from './render-hunt-summary.ts'
import { renderIpMatch } from './render-ip-match.ts'
import { renderIpPortMatch } from './render-ip-port-match.ts'
import { distinct, type MatchQuery } from './render-match.ts'
import { renderQueryText } from './render-query-text.ts'
import { renderHashMatch, renderUrlMatch } from './render-value-match.ts'

/** Lookback of a hunt when the options give none. */
export const DEFAULT_LOOKBACK = '14d'

/**
 * Builds one family's hunting queries: one per table and observable that
 * has indicators and columns to match them, each as a {@link Hunt} with its
 * KQL text. IP indicators with a port go to `ip-port` hunts, those without
 * to `ip` hunts. The indicators should all belong to `family`.
 *
 * @throws HuntInputError when an indicator value, the family name or the
 *   lookback cannot be written into a query, or a site parameter is empty.
 */
export function buildFamilyHunts(
  family: string,
  indicators: readonly Indicator[],
  options: HuntOptions = {},
): Hunt[] {
  return planFamilyHunts(family, indicators).map((planned) =>
    renderHunt(planned.spec, planned.indicators, options),
  )
}

/**
 * Renders one hunt for the given indicators, which may be any non-empty
 * subset of the hunt's indicators (for example one chunk of a large
 * family). The output depends only on the arguments: indicators are sorted
 * and deduplicated by key, and the text contains no timestamp.
 *
 * @throws HuntInputError for an unknown table, a table without columns for
 *   the observable, an empty indicator list, an indicator of another
 *   observable or with a value that cannot be a KQL literal, and a lookback
 *   that is not a timespan.
 */
export function renderHunt(
  spec: HuntSpec,
  indicators: readonly Indicator[],
  options: HuntOptions = {},
): Hunt {
  const profile = profileFor(spec)
  const fileName = `${profile.name}-${spec.observable}.kql`
  const ordered = checkedIndicators(spec, fileName, indicators)
  const lookback = checkedLookback(
    fileName,
    options.lookback ?? DEFAULT_LOOKBACK,
  )

  const exclusions = selectExclusions(
    profile,
    spec.observable,
    ordered,
    options.exclusionParameters,
  )
  const match = renderMatch(profile, spec.observable, ordered)
  const subject: HuntSubject = {
    family: spec.family,
    profile,
    observable: spec.observable,
    indicators: ordered,
    matchColumns: observableColumns(profile, spec.observable),
  }
  const notes = huntNotes(subject, match.parserArguments)
  const columns = distinct([
    ...profile.triageColumns,
    ...subject.matchColumns,
    ...match.outputColumns,
  ])

  return {
    family: spec.family,
    table: profile.name,
    observable: spec.observable,
    fileName,
    title: huntTitle(subject),
    description: huntDescription(subject, notes),
    indicators: ordered,
    appliedExclusions: exclusions.applied.map((exclusion) => exclusion.rule),
    skippedExclusions: exclusions.skipped,
    connectors: [...profile.connectors],
    columnsProjected: columns,
    matchColumns: [...subject.matchColumns],
    timeColumn: profile.timeColumn,
    notes,
    text: renderQueryText({
      header: huntHeader(subject, exclusions.applied),
      lookback,
      lets: match.lets,
      source: sourceText(profile, match.parserArguments),
      timeColumn: profile.timeColumn,
      stages: [...match.stages, ...exclusionStages(exclusions.applied)],
      columns,
    }),
  }
}

function profileFor(spec: HuntSpec): TableProfile {
  const profile = findTableProfile(spec.table)
  if (profile === undefined) {
    throw new HuntInputError(
      `hunt for ${spec.family}: unknown table "${spec.table}"; use a table from TABLE_PROFILES`,
    )
  }
  if (observableColumns(profile, spec.observable).length === 0) {
    throw new HuntInputError(
      `hunt for ${spec.family}: ${profile.name} has no column for ${spec.observable} indicators; ` +
        'plan hunts with planFamilyHunts, which leaves such pairs out',
    )
  }
  return profile
}

function checkedIndicators(
  spec: HuntSpec,
  fileName: string,
  indicators: readonly Indicator[],
): Indicator[] {
  if (indicators.length === 0) {
    throw new HuntInputError(
      `${spec.family} ${fileName}: no indicators; leave the hunt out instead of rendering an empty list`,
    )
  }
  checkLiteral(fileName, 'family name', spec.family)
  for (const indicator of indicators) {
    if (observableOf(indicator) !== spec.observable) {
      throw new HuntInputError(
        `${spec.family} ${fileName}: ${describeIndicator(indicator)} is a ${observableOf(indicator)} ` +
          `indicator, not ${spec.observable}; pass only indicators of the hunt's observable`,
      )
    }
    checkLiteral(fileName, describeIndicator(indicator), indicator.value)
  }
  return orderIndicators(indicators)
}

// Values derived from a valid value (other IP forms, URL forms, endpoints)
// are valid too, so checking each indicator value here lets the error name
// the indicator instead of failing deep inside a renderer.
function checkLiteral(fileName: string, label: string, value: string): void {
  try {
    kqlString(value)
  } catch (error) {
    if (!(error instanceof KqlLiteralError)) throw error
    throw new HuntInputError(
      `${fileName}: ${label} cannot be written into the query: ${error.message}`,
    )
  }
}

function checkedLookback(fileName: string, lookback: string): string {
  try {
    return kqlTimespan(lookback)
  } catch (error) {
    if (!(error instanceof KqlLiteralError)) throw error
    throw new HuntInputError(`${fileName}: invalid lookback: ${error.message}`)
  }
}

function describeIndicator(indicator: Indicator): string {
  const origin = indicator.origins[0]
  const where =
    origin === undefined ? '' : ` (${origin.file}, ${origin.recordId})`
  return `indicator ${JSON.stringify(indicator.key)}${where}`
}

function renderMatch(
  profile: TableProfile,
  observable: Observable,
  indicators: readonly Indicator[],
): MatchQuery {
  switch (observable) {
    case 'ip-port':
      return renderIpPortMatch(profile, indicators)
    case 'ip':
      return renderIpMatch(profile, indicators)
    case 'domain':
      return renderDomainMatch(profile, indicators)
    case 'url':
      return renderUrlMatch(profile, indicators)
    case 'md5':
    case 'sha1':
    case 'sha256':
      return renderHashMatch(profile, observable, indicators)
  }
}

function sourceText(
  profile: TableProfile,
  parserArguments: readonly string[],
): string {
  const filters = profile.parserFilters
  if (profile.kind === 'table' || filters === undefined) return profile.name
  const args = [`${filters.startTime}=ago(lookback)`, ...parserArguments]
  return `${profile.name}(${args.join(', ')})`
}
