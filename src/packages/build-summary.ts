import path from 'node:path'
import type { RejectedRecord } from '../indicators/indicator.ts'
import { compareCodeUnits } from './compare-code-units.ts'
import { formatQueryProblem, type PackageBuild } from './build-packages.ts'
import { INDEX_FILE } from './package-tree.ts'
import { countNoun, formatCount } from './readme-text.ts'

// Maximum number of rejection reasons the summary prints. index.json lists
// every rejected record.
const MAX_REASONS_SHOWN = 10

/**
 * Returns the kind of a rejection reason: the text before the first quoted
 * value, or the whole reason when it quotes none. So
 * `invalid IPv4 address "203.0.300.17": octet 300 is greater than 255`
 * counts as `invalid IPv4 address`.
 */
export function rejectionKind(reason: string): string {
  const quote = reason.indexOf('"')
  const kind = quote > 0 ? reason.slice(0, quote).trim() : reason
  return kind === '' ? reason : kind
}

/** Returns the rejection kinds with their counts, most frequent first. */
export function countRejectionKinds(
  rejected: readonly RejectedRecord[],
): [string, number][] {
  const counts = new Map<string, number>()
  for (const { reason } of rejected) {
    const kind = rejectionKind(reason)
    counts.set(kind, (counts.get(kind) ?? 0) + 1)
  }
  return [...counts].sort((a, b) => b[1] - a[1] || compareCodeUnits(a[0], b[0]))
}

function rejectionLines(build: PackageBuild, indexPath: string): string[] {
  const { rejected } = build.index
  if (rejected.length === 0) return []
  const kinds = countRejectionKinds(rejected)
  const width = formatCount(kinds[0]![1]).length
  const lines = [
    `Rejected ${countNoun(rejected.length, 'record', 'records')}, by reason ` +
      `(each one with its file, record id and value is under "rejected" in ${indexPath}):`,
    ...kinds
      .slice(0, MAX_REASONS_SHOWN)
      .map(
        ([kind, count]) => `  ${formatCount(count).padStart(width)}  ${kind}`,
      ),
  ]
  if (kinds.length > MAX_REASONS_SHOWN) {
    lines.push(
      `  and ${countNoun(kinds.length - MAX_REASONS_SHOWN, 'more reason', 'more reasons')}`,
    )
  }
  return lines
}

function suppressedLines(build: PackageBuild, indexPath: string): string[] {
  if (build.suppressed.length === 0) return []
  const counts = new Map<string, number>()
  for (const { list } of build.suppressed) {
    counts.set(list, (counts.get(list) ?? 0) + 1)
  }
  const lists = [...counts].sort(
    (a, b) => b[1] - a[1] || compareCodeUnits(a[0], b[0]),
  )
  const width = formatCount(lists[0]![1]).length
  return [
    `Left out ${countNoun(build.suppressed.length, 'indicator', 'indicators')} that the allow-list covers, by list ` +
      `(each one with its reason is under "suppressed" in ${indexPath}):`,
    ...lists.map(
      ([list, count]) => `  ${formatCount(count).padStart(width)}  ${list}`,
    ),
  ]
}

/**
 * Writes the lines `huntpack build` prints when it succeeds: record totals,
 * rejections by reason, allow-listed indicators by list, and where the
 * packages are. With `verbose`, one line per family and every suggestion of
 * the KQL parser follow.
 */
export function formatBuildSummary(
  build: PackageBuild,
  outputDirectory: string,
  verbose: boolean,
): string {
  const { totals, inputs, families } = build.index
  const queries = families.reduce((sum, f) => sum + f.queries.length, 0)
  const indexPath = path.join(outputDirectory, INDEX_FILE)
  const lines = [
    `Read ${countNoun(totals.read, 'record', 'records')} from ${countNoun(inputs.length, 'feed file', 'feed files')}: ` +
      `${formatCount(totals.accepted)} accepted, ${formatCount(totals.merged)} merged into an indicator already read, ` +
      `${formatCount(totals.rejected)} rejected.`,
    ...rejectionLines(build, indexPath),
    ...suppressedLines(build, indexPath),
    `Wrote ${countNoun(families.length, 'family package', 'family packages')} with ` +
      `${countNoun(queries, 'hunting query', 'hunting queries')} to ${outputDirectory} (index: ${indexPath}).`,
  ]
  if (!verbose && build.suggestions.length > 0) {
    lines.push(
      `The KQL parser made ${countNoun(build.suggestions.length, 'suggestion', 'suggestions')}; run with --verbose to list them.`,
    )
  }
  if (verbose) {
    for (const family of families) {
      lines.push(
        `  ${family.slug}/: ${family.name}, ${countNoun(family.indicators, 'indicator', 'indicators')}, ` +
          `${countNoun(family.queries.length, 'query', 'queries')}`,
      )
    }
    for (const problem of build.suggestions) {
      lines.push(`  ${formatQueryProblem(problem)}`)
    }
  }
  return `${lines.join('\n')}\n`
}
