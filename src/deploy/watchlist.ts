import type { Hunt } from '../hunts/hunt.ts'
import { endpointText, ipForms, urlForms } from '../hunts/indicator-forms.ts'
import { observableOf } from '../hunts/observable.ts'
import type { TableProfile } from '../hunts/table-profile.ts'
import type { Indicator } from '../indicators/indicator.ts'
import { kqlString } from '../targets/kql/kql-literal.ts'
import { QueryRewriteError, replaceLine } from './rule-query.ts'

/**
 * Sentinel watchlists of a family's indicator values, and query variants
 * that read the values with `_GetWatchlist()` instead of inline lists. A
 * watchlist query stays short whatever the number of indicators, and the
 * indicators can be updated without touching the rules.
 */

/** The column that contains the matched value; `_GetWatchlist()` returns it as `SearchKey`. */
export const WATCHLIST_SEARCH_KEY = 'IndicatorValue'

/** Column order of the watchlist CSV. */
export const WATCHLIST_COLUMNS = [
  WATCHLIST_SEARCH_KEY,
  'ListName',
  'Observable',
  'Indicator',
  'ThreatType',
  'Confidence',
  'FirstSeen',
  'LastSeen',
  'IocIds',
] as const

/**
 * Largest watchlist huntpack writes, in bytes of CSV text: Sentinel takes
 * inline `rawContent` (a local file upload) only below 3.8 MB; larger lists
 * need an Azure Storage upload ("Watchlists - Create Or Update", Microsoft
 * Sentinel REST API).
 */
export const MAX_WATCHLIST_BYTES = 3_800_000

/**
 * Parent-domain levels a watchlist domain query checks: a logged name
 * matches an indicator domain that it equals or that is one of its first
 * eight parent domains.
 */
export const WATCHLIST_DOMAIN_LEVELS = 8

/** One row of a watchlist. */
export interface WatchlistRow {
  /** The value a query compares, for example `203.0.113.9:8080`. */
  value: string
  /** `<observable>/<list>`, the list of the hunting query the value belongs to. */
  listName: string
  observable: string
  /** Canonical indicators the value stands for, space-separated. */
  indicator: string
  threatType: string
  confidence: string
  firstSeen: string
  lastSeen: string
  iocIds: string
}

/** Raised when a watchlist cannot be written. */
export class WatchlistError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WatchlistError'
  }
}

/** Returns the watchlist alias of a family folder, for example `huntpack-cobalt-strike`. */
export function watchlistAlias(familySlug: string): string {
  return `huntpack-${familySlug}`
}

const LIST_LET = /^let (\w+) = dynamic\((\[.*\])\);$/

/**
 * Returns the value lists of a rendered hunting query: each
 * `let name = dynamic([...]);` line, decoded. The renderers write every
 * value with `kqlString`, which escapes only `\` and `"` with a backslash,
 * so each list is a valid JSON array of strings.
 */
export function huntValueLists(text: string): Map<string, string[]> {
  const lists = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const match = LIST_LET.exec(line)
    if (match) lists.set(match[1]!, JSON.parse(match[2]!) as string[])
  }
  return lists
}

/**
 * Builds the rows of a family's watchlist from its hunts: one row per value
 * of each hunt's lists, without duplicates, sorted by list and value. Each
 * row carries the indicators it stands for; a value that several indicators
 * share (two URLs without their schemes) lists all of them.
 */
export function watchlistRows(
  hunts: readonly Hunt[],
  indicators: readonly Indicator[],
): WatchlistRow[] {
  const owners = indicatorsByForm(indicators)
  const rows = new Map<string, WatchlistRow>()
  for (const hunt of hunts) {
    for (const [name, values] of huntValueLists(hunt.text)) {
      const listName = `${hunt.observable}/${name}`
      for (const value of values) {
        const key = `${listName}\u0000${value}`
        if (rows.has(key)) continue
        rows.set(
          key,
          row(
            value,
            listName,
            hunt.observable,
            owners.get(formKey(hunt.observable, value)) ?? [],
          ),
        )
      }
    }
  }
  return [...rows.values()].sort(
    (a, b) => compare(a.listName, b.listName) || compare(a.value, b.value),
  )
}

function compare(a: string, b: string): number {
  if (a < b) return -1
  if (a > b) return 1
  return 0
}

function formKey(observable: string, value: string): string {
  return `${observable}|${value.toLowerCase()}`
}

// Every spelling a hunt may list for an indicator, mapped to the indicators.
function indicatorsByForm(
  indicators: readonly Indicator[],
): Map<string, Indicator[]> {
  const owners = new Map<string, Indicator[]>()
  const add = (observable: string, form: string, indicator: Indicator) => {
    const key = formKey(observable, form)
    const list = owners.get(key) ?? []
    if (!list.includes(indicator)) list.push(indicator)
    owners.set(key, list)
  }
  for (const indicator of indicators) {
    const observable = observableOf(indicator)
    for (const form of indicatorForms(indicator)) {
      add(observable, form, indicator)
    }
  }
  return owners
}

function indicatorForms(indicator: Indicator): string[] {
  switch (indicator.type) {
    case 'ip': {
      const forms = ipForms(indicator, true)
      const addresses = [forms.canonical, ...forms.alternates]
      if (indicator.port === undefined) return addresses
      return [
        ...addresses,
        ...addresses.map((address) => endpointText(address, indicator.port!)),
      ]
    }
    case 'url': {
      const forms = urlForms(indicator)
      return [forms.canonical, ...forms.alternates]
    }
    default:
      return [indicator.value]
  }
}

function canonicalText(indicator: Indicator): string {
  return indicator.port === undefined
    ? indicator.value
    : endpointText(indicator.value, indicator.port)
}

function row(
  value: string,
  listName: string,
  observable: string,
  owners: readonly Indicator[],
): WatchlistRow {
  const distinctJoined = (values: readonly string[]) =>
    [...new Set(values)].sort().join(' ')
  const firstSeen = owners.map((owner) => owner.firstSeen).sort()
  const lastSeen = owners
    .flatMap((owner) => (owner.lastSeen ? [owner.lastSeen] : []))
    .sort()
  return {
    value,
    listName,
    observable,
    indicator: distinctJoined(owners.map(canonicalText)),
    threatType: distinctJoined(owners.map((owner) => owner.threatType)),
    confidence:
      owners.length === 0
        ? ''
        : String(Math.max(...owners.map((owner) => owner.confidence))),
    firstSeen: firstSeen[0] ?? '',
    lastSeen: lastSeen[lastSeen.length - 1] ?? '',
    iocIds: distinctJoined(
      owners.flatMap((owner) => owner.origins.map((origin) => origin.recordId)),
    ),
  }
}

/**
 * Writes watchlist rows as CSV (RFC 4180): a header row, then one line per
 * row, fields that hold a comma, a quote or outer spaces in double quotes
 * with inner quotes doubled, lines ending in CRLF.
 *
 * @throws WatchlistError when the text is larger than {@link MAX_WATCHLIST_BYTES}.
 */
export function watchlistCsv(
  rows: readonly WatchlistRow[],
  alias: string,
): string {
  const lines = [
    WATCHLIST_COLUMNS.join(','),
    ...rows.map((entry) =>
      [
        entry.value,
        entry.listName,
        entry.observable,
        entry.indicator,
        entry.threatType,
        entry.confidence,
        entry.firstSeen,
        entry.lastSeen,
        entry.iocIds,
      ]
        .map(csvField)
        .join(','),
    ),
  ]
  const text = `${lines.join('\r\n')}\r\n`
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_WATCHLIST_BYTES) {
    throw new WatchlistError(
      `watchlist ${alias} has ${bytes} bytes, more than the ${MAX_WATCHLIST_BYTES} Sentinel accepts inline; ` +
        'split the family or upload the CSV through Azure Storage',
    )
  }
  return text
}

function csvField(value: string): string {
  if (/[",\r\n]/.test(value) || value !== value.trim()) {
    return `"${value.replace(/"/g, '""')}"`
  }
  return value
}

/**
 * Rewrites a rendered hunting query to read its value lists from the
 * family watchlist. Each `let name = dynamic([...]);` becomes a
 * `_GetWatchlist()` lookup of that list's values. ASIM parser prefilters
 * that took a list are dropped, because a parser argument must be a dynamic
 * array. Domain queries test the logged name and its parent domains with
 * `in` instead of one `endswith` per indicator. The hunt's header comment
 * stays, and `ruleQueryText` replaces it.
 *
 * @throws QueryRewriteError when the query does not have the expected
 *   lines, or when an indicator value would stay in the text.
 */
export function watchlistQueryText(
  hunt: Hunt,
  profile: TableProfile,
  alias: string,
): string {
  const lists = huntValueLists(hunt.text)
  let text = hunt.text
  for (const [name] of lists) {
    const listName = `${hunt.observable}/${name}`
    const lookup =
      `let ${name} = _GetWatchlist(${kqlString(alias)}) ` +
      `| where tostring(ListName) == ${kqlString(listName)} | project SearchKey;`
    const line = text
      .split('\n')
      .find((candidate) => candidate.startsWith(`let ${name} = dynamic(`))
    if (line === undefined)
      throw new QueryRewriteError(hunt.fileName, `no list ${name} found`)
    text = replaceLine(text, hunt.fileName, line, lookup)
  }
  text = withoutParserListArguments(text, hunt, profile, [...lists.keys()])
  if (hunt.observable === 'domain') {
    text = withParentDomainMatch(text, hunt, profile, [...lists.keys()])
  }

  for (const values of lists.values()) {
    for (const value of values) {
      if (text.includes(kqlString(value))) {
        throw new QueryRewriteError(
          hunt.fileName,
          `the watchlist variant still holds the indicator value ${JSON.stringify(value)}`,
        )
      }
    }
  }
  return text
}

function withoutParserListArguments(
  text: string,
  hunt: Hunt,
  profile: TableProfile,
  listNames: readonly string[],
): string {
  if (profile.kind !== 'asim-parser') return text
  const sourceLine = text
    .split('\n')
    .find((line) => line.startsWith(`${profile.name}(`))
  if (sourceLine === undefined) {
    throw new QueryRewriteError(
      hunt.fileName,
      `no ${profile.name}(...) call found`,
    )
  }
  let rewritten = sourceLine
  for (const name of listNames) {
    rewritten = rewritten.replace(new RegExp(`, \\w+=${name}(?=[,)])`, 'g'), '')
  }
  return rewritten === sourceLine
    ? text
    : replaceLine(text, hunt.fileName, sourceLine, rewritten)
}

function withParentDomainMatch(
  text: string,
  hunt: Hunt,
  profile: TableProfile,
  listNames: readonly string[],
): string {
  if (listNames.length !== 1) {
    throw new QueryRewriteError(
      hunt.fileName,
      `expected one domain list, found ${listNames.length}`,
    )
  }
  let result = text
  for (const column of profile.hostNameColumns) {
    const prefix = `| extend ${column}Domain = case(`
    const line = result
      .split('\n')
      .find((candidate) => candidate.startsWith(prefix))
    if (line === undefined) {
      throw new QueryRewriteError(hunt.fileName, `no "${prefix}" line found`)
    }
    result = replaceLine(
      result,
      hunt.fileName,
      line,
      parentDomainStages(column, listNames[0]!).join('\n'),
    )
  }
  return result
}

// `<column>Parent<k>` is the normalised name without its first k labels;
// when no dot is left, indexof() returns -1 and the name stays as it is.
function parentDomainStages(column: string, listName: string): string[] {
  const hostColumn = `${column}Host`
  const names = [hostColumn]
  const stages: string[] = []
  for (let level = 1; level <= WATCHLIST_DOMAIN_LEVELS; level += 1) {
    const previous = names[names.length - 1]!
    const name = `${column}Parent${level}`
    stages.push(
      `| extend ${name} = substring(${previous}, indexof(${previous}, ${kqlString('.')}) + 1)`,
    )
    names.push(name)
  }
  const pairs = names
    .map((name) => `${name} in (${listName}), ${name}`)
    .join(', ')
  stages.push(`| extend ${column}Domain = case(${pairs}, ${kqlString('')})`)
  return stages
}
