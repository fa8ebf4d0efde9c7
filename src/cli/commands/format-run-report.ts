import type { RejectedRecord } from '../../indicators/indicator.ts'
import type { RunReport, StatusChange } from '../../lifecycle/record-run.ts'

/** Rejected records listed one per line before the rest are only counted. */
const REJECTED_SHOWN = 20

/**
 * Formats what one state update did, for stdout: the run id and counts, every
 * indicator allow-listed in the run with the entry and list that suppressed
 * it, and the rejected records (all of them with `verbose`).
 */
export function formatRunReport(
  report: RunReport,
  rejected: readonly RejectedRecord[],
  statePath: string,
  verbose: boolean,
): string {
  const { counts } = report
  const lines = [
    `${report.runId === undefined ? 'No change recorded' : `Run ${report.runId}`}: ` +
      `read ${counts.read} records, ${counts.accepted} indicators ` +
      `(${counts.merged} merged, ${counts.rejected} rejected)`,
    `Changes: ${counts.added} added, ${counts.updated} updated, ${counts.expired} expired, ` +
      `${counts.allowListed} allow-listed, ${counts.belowConfidence} below confidence, ` +
      `${counts.reactivated} active again`,
    `State ${statePath}: ${counts.totalActive} active, ${counts.totalExpired} expired, ` +
      `${counts.totalAllowListed} allow-listed, ${counts.totalBelowConfidence} below confidence`,
  ]

  const suppressed = report.changes.filter(
    (change) => change.to === 'allow-listed',
  )
  if (suppressed.length > 0) {
    lines.push(`Allow-listed in this run (${suppressed.length}):`)
    for (const change of suppressed) lines.push(`  ${describeChange(change)}`)
  }

  if (rejected.length > 0) {
    const shown = verbose ? rejected : rejected.slice(0, REJECTED_SHOWN)
    lines.push(`Rejected records (${rejected.length}):`)
    for (const record of shown) {
      lines.push(
        `  ${record.file} ${record.recordId} ${JSON.stringify(record.value)}: ${record.reason}`,
      )
    }
    if (shown.length < rejected.length) {
      lines.push(
        `  ... ${rejected.length - shown.length} more; pass --verbose to list them all`,
      )
    }
  }
  return `${lines.join('\n')}\n`
}

function describeChange(change: StatusChange): string {
  return `${change.type} ${JSON.stringify(change.value)} (${change.family}): ${change.reason ?? change.to}`
}
