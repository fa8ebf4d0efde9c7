import type { Indicator } from '../indicators/indicator.ts'
import { compareIndicators } from './family-indicators.ts'
import { defangIndicator } from './defang.ts'
import { escapeMarkdown, markdownCodeSpan } from './markdown.ts'
import { formatCount, formatTime } from './readme-text.ts'

/** An indicator that a package no longer hunts, with the reason. */
export interface DroppedIndicator {
  indicator: Indicator
  /** Lifecycle status, for example `expired` or `allow-listed`. */
  status: string
  reason: string
}

/** Changes of one family between two builds from the state. */
export interface FamilyChangelog {
  /** Id of the build being written. */
  build: number
  /** ISO 8601 UTC time of the build. */
  built: string
  /** Id of the build compared with; undefined for the family's first build. */
  previousBuild?: number
  added: Indicator[]
  removed: DroppedIndicator[]
  /** Indicators whose fields shown in the package changed. */
  changed: Indicator[]
}

/** Entries listed per changelog list before the rest are only counted. */
const LISTED = 50

/**
 * Renders the `## Changes` section of a family README: the build, the build
 * it is compared with, and the indicators added, no longer hunted (with
 * the reason) and changed, defanged. Lists stop after 50 entries with a
 * count of the rest. Starts with `## ` and ends without a newline.
 */
export function renderChangelogSection(log: FamilyChangelog): string {
  const when = `${formatTime(log.built)} UTC`
  if (log.previousBuild === undefined) {
    return [
      '## Changes',
      `Build ${log.build} on ${when} is the first build of this family from the state, ` +
        `with ${formatCount(log.added.length)} indicator(s).`,
    ].join('\n\n')
  }

  const lines = [
    '## Changes',
    `Build ${log.build} on ${when}, compared with build ${log.previousBuild}:`,
  ]
  const lists = [
    renderList(
      'Added',
      log.added.map((indicator) => ({ indicator })),
    ),
    renderList('No longer hunted', log.removed),
    renderList(
      'Changed (confidence, threat type, times, tags or references)',
      log.changed.map((indicator) => ({ indicator })),
    ),
  ].filter((list) => list !== '')
  lines.push(
    lists.length > 0
      ? lists.join('\n')
      : '- No indicator changed; the queries or their text changed.',
  )
  return lines.join('\n\n')
}

/**
 * Renders the `## Not hunted` section: indicators of the family that are
 * left out of the queries (allow-listed, or below the minimum confidence),
 * each with its status and reason, then a count of expired ones. Returns an
 * empty string when there are none.
 */
export function renderNotHuntedSection(
  leftOut: readonly DroppedIndicator[],
  expiredCount: number,
): string {
  if (leftOut.length === 0 && expiredCount === 0) return ''

  const lines = ['## Not hunted']
  appendLeftOut(lines, leftOut, expiredCount)
  return lines.join('\n\n')
}

/**
 * Renders the `## Lifecycle` section of a build from the state: indicators
 * of the family below the minimum confidence, with the reason, and how many
 * expired. Expired indicators are only counted, since they pile up over
 * time. Returns an empty string when there are none.
 */
export function renderLifecycleSection(
  belowConfidence: readonly DroppedIndicator[],
  expiredCount: number,
): string {
  if (belowConfidence.length === 0 && expiredCount === 0) return ''

  const lines = ['## Lifecycle']
  appendLeftOut(lines, belowConfidence, expiredCount)
  return lines.join('\n\n')
}

function appendLeftOut(
  lines: string[],
  leftOut: readonly DroppedIndicator[],
  expiredCount: number,
): void {
  if (leftOut.length > 0) {
    const sorted = [...leftOut].sort((a, b) =>
      compareIndicators(a.indicator, b.indicator),
    )
    lines.push(
      'huntpack left these indicators of this family out of the queries:',
      sorted
        .map(
          (item) =>
            `- ${describe(item.indicator)}: ${escapeMarkdown(`${item.status}, ${item.reason}`)}`,
        )
        .join('\n'),
    )
  }
  if (expiredCount > 0) {
    lines.push(
      `${formatCount(expiredCount)} expired indicator(s) of this family are no longer hunted.`,
    )
  }
}

function renderList(
  title: string,
  items: ReadonlyArray<{
    indicator: Indicator
    status?: string
    reason?: string
  }>,
): string {
  if (items.length === 0) return ''

  const sorted = [...items].sort((a, b) =>
    compareIndicators(a.indicator, b.indicator),
  )
  const shown = sorted.slice(0, LISTED).map((item) => {
    const why =
      item.reason === undefined
        ? ''
        : `: ${escapeMarkdown(`${item.status}, ${item.reason}`)}`
    return `  - ${describe(item.indicator)}${why}`
  })
  if (sorted.length > LISTED)
    shown.push(`  - and ${formatCount(sorted.length - LISTED)} more`)
  return [`- ${title} (${formatCount(items.length)}):`, ...shown].join('\n')
}

function describe(indicator: Indicator): string {
  return markdownCodeSpan(defangIndicator(indicator), 'text')
}
