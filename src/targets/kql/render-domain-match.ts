import type { Indicator } from '../../indicators/indicator.ts'
import type { TableProfile } from '../../hunts/table-profile.ts'
import { kqlString } from './kql-literal.ts'
import { urlHostExpression } from './url-host-pattern.ts'
import {
  anyOf,
  caseOf,
  COLUMN_MATCH_OUTPUT,
  distinct,
  letDynamic,
  type MatchQuery,
} from './render-match.ts'

const DOMAIN_LIST = 'ioc_domains'

// The one regex literal the local hunting engine accepts in trim_end():
// it strips the trailing dot of a fully qualified name.
const TRAILING_DOT = '@"\\."'

/**
 * Renders a `domain` hunt that matches the domain and its subdomains. Each
 * name column, or the host of each URL column (see `URL_HOST_PATTERN`), is
 * lower-cased and stripped of a trailing dot. It must then equal an
 * indicator domain `d` or end with `.d`. So `evil.com` matches `a.evil.com`
 * and `https://user@A.evil.com:8443/x`, but not `notevil.com`,
 * `evil.com.attacker.example` or `https://attacker.example/evil.com`. A
 * `has_any` prefilter on the raw column uses the term index first.
 * `MatchedIndicator` is the indicator domain, not the logged name.
 */
export function renderDomainMatch(
  profile: TableProfile,
  indicators: readonly Indicator[],
): MatchQuery {
  const domains = distinct(indicators.map((indicator) => indicator.value))
  const columns = profile.hostNameColumns
  const urlColumns = new Set(profile.urlHostColumns ?? [])
  const hostNames = profile.parserFilters?.hostNames
  const hostOf = (column: string) =>
    urlColumns.has(column) ? urlHostExpression(column) : column

  const stages = [
    `where ${anyOf(columns.map((column) => `isnotempty(${column}) and ${column} has_any (${DOMAIN_LIST})`))}`,
    ...columns.map(
      (column) =>
        `extend ${column}Host = trim_end(${TRAILING_DOT}, tolower(${hostOf(column)}))`,
    ),
    ...columns.map(
      (column) =>
        `extend ${column}Domain = ${domainCase(`${column}Host`, domains)}`,
    ),
    `where ${columns.map((column) => `isnotempty(${column}Domain)`).join(' or ')}`,
    `extend MatchedColumn = ${firstMatch(columns, (column) => kqlString(column))}`,
    `extend MatchedIndicator = ${firstMatch(columns, (column) => `${column}Domain`)}`,
  ]
  return {
    lets: [letDynamic(DOMAIN_LIST, domains)],
    parserArguments:
      hostNames === undefined ? [] : [`${hostNames}=${DOMAIN_LIST}`],
    stages,
    outputColumns: COLUMN_MATCH_OUTPUT,
  }
}

// The indicator domain a normalised name equals or is a subdomain of, or "".
function domainCase(host: string, domains: readonly string[]): string {
  const pairs = [
    [`${host} in (${DOMAIN_LIST})`, host] as const,
    ...domains.map(
      (domain) =>
        [
          `${host} endswith ${kqlString(`.${domain}`)}`,
          kqlString(domain),
        ] as const,
    ),
  ]
  return caseOf(pairs, kqlString(''))
}

function firstMatch(
  columns: readonly string[],
  valueOf: (column: string) => string,
): string {
  const earlier = columns.slice(0, -1)
  const pairs = earlier.map(
    (column) => [`isnotempty(${column}Domain)`, valueOf(column)] as const,
  )
  return caseOf(pairs, valueOf(columns[columns.length - 1]))
}
