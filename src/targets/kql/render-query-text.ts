/** The parts of a hunting query, in the order they are written. */
export interface QueryParts {
  /** Comment lines of the header, without the leading `// `. */
  header: string[]
  /** The `lookback` timespan literal, for example `14d`. */
  lookback: string
  /** Further `let` statements, each ending in `;`. */
  lets: string[]
  /** Table name or ASIM parser call. */
  source: string
  timeColumn: string
  /** Pipe stages after the time filter, without the leading `| `. */
  stages: string[]
  /** Columns of the result, in order. */
  columns: string[]
}

/**
 * Writes a hunting query: header comments, the `lookback` and list `let`
 * statements, the source, a time filter on the table's time column, the
 * stages, the projection, and newest events first. The text has no trailing
 * newline and contains no timestamp, so the same input renders the same text.
 */
export function renderQueryText(parts: QueryParts): string {
  const lines = [
    ...parts.header.map((line) => `// ${line}`),
    `let lookback = ${parts.lookback};`,
    ...parts.lets,
    parts.source,
    `| where ${parts.timeColumn} > ago(lookback)`,
    ...parts.stages.map((stage) => `| ${stage}`),
    `| project ${parts.columns.join(', ')}`,
    `| order by ${parts.timeColumn} desc`,
  ]
  return lines.join('\n')
}
