import type { Indicator } from '../indicators/indicator.ts'
import { compareCodeUnits } from './compare-code-units.ts'
import { defangIndicator } from './defang.ts'
import { observableLabel, observableOf } from '../hunts/observable.ts'
import { countObservables } from './family-indicators.ts'
import { queryFileText, type FamilyPackage } from './family-package.ts'
import {
  escapeMarkdown,
  markdownCodeBlock,
  markdownCodeSpan,
} from './markdown.ts'
import type { Hunt } from '../hunts/hunt.ts'
import { renderNotHuntedSection } from './family-changelog.ts'
import { renderExclusionsSection } from './readme-exclusions.ts'
import {
  DEPLOY_SECTION_TITLE,
  renderDeploySection,
} from '../deploy/deploy-summary.ts'
import {
  countNoun,
  feedNames,
  formatCount,
  formatTime,
  joinWords,
  OBSERVABLE_NOUNS,
} from './readme-text.ts'

export interface FamilyReadmeOptions {
  /** Name of the indicator list file next to the README, for example `indicators.csv`. */
  indicatorsFile: string
  /** How far back the queries search, as the KQL timespan given to the hunts, for example `14d`. */
  lookback: string
}

function countThreatTypes(
  indicators: readonly Indicator[],
): [string, number][] {
  const counts = new Map<string, number>()
  for (const { threatType } of indicators) {
    counts.set(threatType, (counts.get(threatType) ?? 0) + 1)
  }
  return [...counts].sort((a, b) => b[1] - a[1] || compareCodeUnits(a[0], b[0]))
}

function describeTimes(indicators: readonly Indicator[]): string {
  const firstSeen = indicators.map((i) => i.firstSeen).sort(compareCodeUnits)
  const oldest = formatTime(firstSeen[0]!)
  const newest = formatTime(firstSeen[firstSeen.length - 1]!)
  const firstSeenText =
    oldest === newest
      ? `First seen ${oldest} UTC`
      : `First seen from ${oldest} to ${newest} UTC`

  const lastSeen = indicators
    .flatMap((i) => (i.lastSeen === undefined ? [] : [i.lastSeen]))
    .sort(compareCodeUnits)
  if (lastSeen.length === 0) {
    return `${firstSeenText}. The feed reports no last-seen time.`
  }
  const latest = formatTime(lastSeen[lastSeen.length - 1]!)
  const reportedFor =
    lastSeen.length === indicators.length
      ? 'all of them'
      : `${formatCount(lastSeen.length)} of ${formatCount(indicators.length)}`
  return `${firstSeenText}. Last seen up to ${latest} UTC (reported for ${reportedFor}).`
}

function describeConfidence(indicators: readonly Indicator[]): string {
  const values = indicators.map((i) => i.confidence)
  const highest = Math.max(...values)
  const lowest = Math.min(...values)
  return lowest === highest
    ? `Highest confidence ${highest}% (all indicators).`
    : `Highest confidence ${highest}%, lowest ${lowest}%.`
}

const LOOKBACK_UNITS: Record<string, [string, string]> = {
  d: ['day', 'days'],
  h: ['hour', 'hours'],
  m: ['minute', 'minutes'],
  s: ['second', 'seconds'],
}

/** Writes a KQL timespan such as `14d` as `14 days`; other forms stay as written. */
function describeLookback(lookback: string): string {
  const match = /^(\d+)([dhms])$/.exec(lookback)
  if (!match) return escapeMarkdown(lookback)
  return countNoun(Number(match[1]), ...LOOKBACK_UNITS[match[2]!]!)
}

function describeHunts(hunts: readonly Hunt[], lookback: string): string {
  if (hunts.length === 0) {
    return 'No table has a column for these indicators, so this package has no hunting query.'
  }
  const tables = [...new Set(hunts.map((h) => h.table))].map((t) =>
    markdownCodeSpan(t, 'text'),
  )
  const verb = hunts.length === 1 ? 'searches' : 'search'
  return `The ${countNoun(hunts.length, 'hunting query', 'hunting queries')} below ${verb} ${joinWords(tables)} over the last ${describeLookback(lookback)}.`
}

/** Writes the summary paragraph from the family's data. */
function renderSummary(
  family: FamilyPackage,
  options: FamilyReadmeOptions,
): string {
  const { indicators } = family
  const name = `**${escapeMarkdown(family.name)}**`
  const aliases =
    family.aliases.length === 0
      ? ''
      : `, also known as ${joinWords(family.aliases.map(escapeMarkdown))},`
  const kinds = countObservables(indicators).map(([observable, count]) =>
    countNoun(count, ...OBSERVABLE_NOUNS[observable]),
  )
  const threatTypes = countThreatTypes(indicators).map(
    ([threatType, count]) =>
      `${escapeMarkdown(threatType)} (${formatCount(count)})`,
  )
  const threatTypeLabel =
    threatTypes.length === 1 ? 'Threat type' : 'Threat types'

  return [
    `This package hunts for ${name}${aliases} with ${countNoun(indicators.length, 'indicator', 'indicators')} from ${joinWords(feedNames(indicators))}: ${joinWords(kinds)}.`,
    `${threatTypeLabel}: ${threatTypes.join(', ')}.`,
    describeTimes(indicators),
    describeConfidence(indicators),
    describeHunts(family.hunts, options.lookback),
  ].join(' ')
}

const SECTIONS = [
  'IOC summary',
  'Indicators',
  'Hunting queries',
  'Tables and data connectors',
  'False positives and exclusions',
]

function renderContents(family: FamilyPackage): string {
  const hunted = hasNotHunted(family) ? [...SECTIONS, 'Not hunted'] : SECTIONS
  const sections = family.deploy ? [...hunted, DEPLOY_SECTION_TITLE] : hunted
  // GitHub derives a heading's anchor by lower-casing it and turning spaces
  // into hyphens. These headings have no other punctuation.
  const links = sections.map(
    (title) => `[${title}](#${title.toLowerCase().replaceAll(' ', '-')})`,
  )
  return `Contents: ${links.join(' · ')}`
}

function hasNotHunted(family: FamilyPackage): boolean {
  return (family.notHunted?.length ?? 0) > 0
}

/** Renders the allow-listed indicators with the entry that covers each. */
function renderNotHunted(family: FamilyPackage): string {
  const leftOut = family.notHunted!.map(({ indicator, reason }) => ({
    indicator,
    status: 'allow-listed',
    reason,
  }))
  return renderNotHuntedSection(leftOut, 0)
}

function renderIocSummary(family: FamilyPackage): string {
  const aliases =
    family.aliases.length === 0
      ? 'none reported'
      : family.aliases.map(escapeMarkdown).join(', ')
  const lines = [
    '## IOC summary',
    '',
    `- Malware family: ${escapeMarkdown(family.name)}`,
    `- Aliases: ${aliases}`,
  ]
  if (family.malwareIds.length > 0) {
    lines.push(
      `- Feed family id: ${family.malwareIds.map(escapeMarkdown).join(', ')}`,
    )
  }
  if (family.sharedWith.length > 0) {
    const shared = family.sharedWith.map(
      ([other, count]) =>
        `${escapeMarkdown(other)} (${countNoun(count, 'indicator', 'indicators')})`,
    )
    lines.push(
      `- Indicators also listed under other families: ${shared.join(', ')}`,
    )
  }
  lines.push(`- Total indicators: ${formatCount(family.indicators.length)}`)
  if (hasNotHunted(family)) {
    const count = family.notHunted!.length
    lines.push(
      `- Not hunted: ${countNoun(count, 'more indicator', 'more indicators')} on the allow-list, see [Not hunted](#not-hunted)`,
    )
  }
  lines.push(
    '',
    '| Type | Indicators |',
    '|---|---:|',
    ...countObservables(family.indicators).map(
      ([observable, count]) =>
        `| ${observableLabel(observable)} | ${formatCount(count)} |`,
    ),
  )
  return lines.join('\n')
}

// Above these sizes a README block is folded into a <details> element that
// GitHub shows closed, so a large family's README stays navigable. The
// folded text is unchanged.
const FOLD_QUERY_CHARACTERS = 4000
const FOLD_TABLE_ROWS = 250

/** Wraps `markdown` in a GitHub `<details>` element with a plain-text summary. */
function fold(summary: string, markdown: string): string {
  return `<details>\n<summary>${summary}</summary>\n\n${markdown}\n\n</details>`
}

function indicatorPort(indicator: Indicator): string {
  const port = indicator.port ?? indicator.url?.port
  return port === undefined ? '' : String(port)
}

function renderIndicatorRow(indicator: Indicator): string {
  const cells = [
    markdownCodeSpan(defangIndicator(indicator)),
    observableLabel(observableOf(indicator)),
    indicatorPort(indicator),
    escapeMarkdown(indicator.threatType),
    formatTime(indicator.firstSeen),
    indicator.lastSeen === undefined
      ? 'not reported'
      : formatTime(indicator.lastSeen),
    `${indicator.confidence}%`,
    indicator.tags.map(escapeMarkdown).join(', '),
  ]
  return `| ${cells.join(' | ')} |`
}

function renderIndicators(
  family: FamilyPackage,
  options: FamilyReadmeOptions,
): string {
  const file = options.indicatorsFile
  const count = family.indicators.length
  const table = [
    '| Value | Type | Port | Threat type | First seen | Last seen | Confidence | Tags |',
    '|---|---|---:|---|---|---|---:|---|',
    ...family.indicators.map(renderIndicatorRow),
  ].join('\n')
  return [
    '## Indicators',
    '',
    `All ${countNoun(count, 'indicator', 'indicators')} of this family, by type and value. ` +
      'Values are defanged (`[.]`, `[:]`, `hxxp`) so that they cannot be clicked or resolved by accident. ' +
      `[${markdownCodeSpan(file, 'text')}](${file}) has the same list with the original values, for tooling. Times are UTC.`,
    '',
    count > FOLD_TABLE_ROWS
      ? fold(`Table of ${formatCount(count)} indicators`, table)
      : table,
  ].join('\n')
}

function renderHunt(hunt: Hunt): string {
  const columns = hunt.columnsProjected.map((c) => markdownCodeSpan(c, 'text'))
  const notes = hunt.notes.map((note) => `- Note: ${escapeMarkdown(note)}`)
  const text = queryFileText(hunt)
  const block = markdownCodeBlock(text, 'kql').trimEnd()
  return [
    `### ${escapeMarkdown(hunt.title)}`,
    '',
    escapeMarkdown(hunt.description),
    '',
    `- File: ${markdownCodeSpan(hunt.fileName, 'text')}`,
    `- Table: ${markdownCodeSpan(hunt.table, 'text')}`,
    `- Indicators: ${formatCount(hunt.indicators.length)} (${observableLabel(hunt.observable)})`,
    `- Columns returned: ${columns.join(', ')}`,
    ...notes,
    '',
    text.length > FOLD_QUERY_CHARACTERS
      ? fold(`Query text, ${formatCount(text.length - 1)} characters`, block)
      : block,
  ].join('\n')
}

function renderHunts(hunts: readonly Hunt[]): string {
  const intro =
    hunts.length === 0
      ? 'This family has no hunting query.'
      : 'Each query is also in this folder as its own `.kql` file with the same text. ' +
        'Run it in Microsoft Sentinel (Logs or Hunting) or, for `Device*` tables, in Defender XDR advanced hunting.'
  return [
    '## Hunting queries',
    '',
    intro,
    ...hunts.flatMap((h) => ['', renderHunt(h)]),
  ].join('\n')
}

function renderTables(hunts: readonly Hunt[]): string {
  const byTable = new Map<string, Hunt[]>()
  for (const hunt of hunts) {
    byTable.set(hunt.table, [...(byTable.get(hunt.table) ?? []), hunt])
  }
  const rows = [...byTable].map(([table, tableHunts]) => {
    const connectors = [...new Set(tableHunts.flatMap((h) => h.connectors))]
    const files = tableHunts.map((h) => markdownCodeSpan(h.fileName))
    return `| ${markdownCodeSpan(table)} | ${connectors.map(escapeMarkdown).join('<br>')} | ${files.join('<br>')} |`
  })
  if (rows.length === 0) {
    return '## Tables and data connectors\n\nThis package queries no table.'
  }
  return [
    '## Tables and data connectors',
    '',
    'A query finds nothing unless its table receives data. Connect the data connector listed for each table in Microsoft Sentinel.',
    '',
    '| Table | Data connector | Queries |',
    '|---|---|---|',
    ...rows,
  ].join('\n')
}

/**
 * Renders a family package's README.md. It has a summary paragraph written
 * from the data, an IOC summary, and every indicator defanged in one table.
 * Then come each hunting query with its file name, the tables with their
 * data connectors, and the false-positive scenarios with the exclusions
 * that were applied and those that were not. Every feed value passes through
 * the escaping in `markdown.ts`. The output ends with one newline and
 * depends only on the arguments, so equal input gives equal bytes.
 */
export function renderFamilyReadme(
  family: FamilyPackage,
  options: FamilyReadmeOptions,
): string {
  const sections = [
    `# ${escapeMarkdown(family.name)} hunting package`,
    renderSummary(family, options),
    renderContents(family),
    renderIocSummary(family),
    renderIndicators(family, options),
    renderHunts(family.hunts),
    renderTables(family.hunts),
    renderExclusionsSection(family.hunts),
    ...(hasNotHunted(family) ? [renderNotHunted(family)] : []),
    ...(family.deploy ? [renderDeploySection(family.deploy)] : []),
  ]
  return `${sections.join('\n\n')}\n`
}
