import type { Hunt } from '../hunts/hunt.ts'
import { QueryRewriteError, replaceLine } from './rule-query.ts'

/**
 * Microsoft Defender XDR custom detection queries. A custom detection's
 * query must return `Timestamp`, `ReportId` and a device, user or mailbox
 * column such as `DeviceId`, and should not filter on `Timestamp`, because
 * Defender XDR already limits each run to the rule's lookback ("Create and
 * manage custom detections rules", Microsoft Defender XDR documentation).
 */

/** Columns every Defender XDR detection query returns first. */
export const DEFENDER_REQUIRED_COLUMNS = [
  'Timestamp',
  'DeviceId',
  'ReportId',
] as const

/** Defender XDR tables that have all {@link DEFENDER_REQUIRED_COLUMNS}. */
export const DEFENDER_DETECTION_TABLES: readonly string[] = [
  'DeviceNetworkEvents',
  'DeviceFileEvents',
  'DeviceProcessEvents',
]

/** Returns true when huntpack writes Defender XDR detections for the hunt's table. */
export function hasDefenderDetection(hunt: Hunt): boolean {
  return (
    DEFENDER_DETECTION_TABLES.includes(hunt.table) &&
    hunt.timeColumn === 'Timestamp'
  )
}

/**
 * Rewrites a rendered Device* hunting query as a Defender XDR custom
 * detection query: the header is replaced, the `lookback` statement and
 * the `Timestamp` filter are removed, and the projection starts with
 * `Timestamp, DeviceId, ReportId`.
 *
 * @throws QueryRewriteError when the query does not have those lines, or
 *   still names `lookback` afterwards.
 */
export function defenderDetectionText(
  hunt: Hunt,
  header: readonly string[],
): string {
  const lines = hunt.text.split('\n')
  const lookbackLine = lines.find((line) => /^let lookback = \w+;$/.test(line))
  if (lookbackLine === undefined) {
    throw new QueryRewriteError(
      hunt.fileName,
      'no "let lookback = ...;" line found',
    )
  }
  let text = replaceLine(hunt.text, hunt.fileName, lookbackLine, undefined)
  text = replaceLine(
    text,
    hunt.fileName,
    `| where ${hunt.timeColumn} > ago(lookback)`,
    undefined,
  )
  if (/\blookback\b/.test(text)) {
    throw new QueryRewriteError(
      hunt.fileName,
      'the query still uses lookback after its filter was removed',
    )
  }

  const columns = [
    ...DEFENDER_REQUIRED_COLUMNS,
    ...hunt.columnsProjected.filter(
      (column) =>
        !(DEFENDER_REQUIRED_COLUMNS as readonly string[]).includes(column),
    ),
  ]
  text = replaceLine(
    text,
    hunt.fileName,
    `| project ${hunt.columnsProjected.join(', ')}`,
    `| project ${columns.join(', ')}`,
  )

  const body = text.split('\n')
  let start = 0
  while (start < body.length && body[start]!.startsWith('//')) start += 1
  return [...header.map((line) => `// ${line}`), ...body.slice(start)].join(
    '\n',
  )
}
