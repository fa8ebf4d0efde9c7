import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

import { escapeMarkdown, markdownCodeSpan } from '../packages/markdown.ts'
import type { Finding } from './finding.ts'
import type { HuntRun } from './hunt-runner.ts'

/** Inputs of a hunt, for the report. */
export interface HuntInputs {
  /** The time `ago()` counted back from, ISO 8601 UTC. */
  now: string
  /** Folder of the hunting packages, or the single query file. */
  queries: string
  logFiles: readonly string[]
  /** Rows loaded per table, tables without rows left out. */
  tableRows: Readonly<Record<string, number>>
  unparsedLines: number
  invalidValues: number
}

/** Paths `writeFindings` wrote. */
export interface WrittenFindings {
  json: string
  csv: string
  report: string
}

// Findings listed per family in report.md; findings.csv has all of them.
const REPORT_ROWS_PER_FAMILY = 200

const CSV_COLUMNS = [
  'family',
  'indicator',
  'portMatched',
  'matchedColumn',
  'table',
  'time',
  'device',
  'source',
  'destination',
  'process',
  'query',
  'otherQueries',
  'logFile',
  'logLine',
] as const

/**
 * Writes `findings.json`, `findings.csv` and `report.md` into `outDir`
 * (created when missing). Each file is written to a temporary name in the
 * same folder and then renamed, so a reader never sees a partial file.
 */
export async function writeFindings(
  outDir: string,
  inputs: HuntInputs,
  run: HuntRun,
): Promise<WrittenFindings> {
  await mkdir(outDir, { recursive: true })
  const written = {
    json: path.join(outDir, 'findings.json'),
    csv: path.join(outDir, 'findings.csv'),
    report: path.join(outDir, 'report.md'),
  }
  const json = {
    now: inputs.now,
    findings: run.findings,
    queries: run.outcomes,
    duplicateMatches: run.duplicateMatches,
  }
  await writeAtomically(written.json, `${JSON.stringify(json, null, 2)}\n`)
  await writeAtomically(written.csv, findingsCsv(run.findings))
  await writeAtomically(written.report, huntReport(inputs, run))
  return written
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(temporary, text, 'utf8')
    await rename(temporary, file)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}

/**
 * Writes one CSV cell (RFC 4180). A cell that a spreadsheet would read as a
 * formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a
 * leading `'`, because log values are attacker-controlled text.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Returns findings.csv: a header line and one line per finding. */
export function findingsCsv(findings: readonly Finding[]): string {
  const lines = [CSV_COLUMNS.join(',')]
  for (const f of findings) {
    const cells = [
      f.family,
      f.indicator,
      f.portMatched,
      f.matchedColumn,
      f.table,
      f.time,
      f.hosts.device,
      f.hosts.source,
      f.hosts.destination,
      f.process,
      f.query,
      f.otherQueries.join(' '),
      f.logFile,
      f.logLine,
    ]
    lines.push(cells.map(csvCell).join(','))
  }
  return `${lines.join('\r\n')}\r\n`
}

function cell(value: string | null): string {
  return value === null || value === '' ? '' : markdownCodeSpan(value)
}

function portText(value: boolean | null): string {
  if (value === null) return 'no port hunt'
  return value ? 'yes' : 'address only'
}

/** Counts findings per family, in family order. */
export function findingsPerFamily(
  findings: readonly Finding[],
): Map<string, number> {
  const counts = new Map<string, number>()
  for (const f of findings)
    counts.set(f.family, (counts.get(f.family) ?? 0) + 1)
  const names = [...counts.keys()].sort()
  return new Map(names.map((name) => [name, counts.get(name)!]))
}

/** Returns report.md: inputs, counts, findings per family, failed queries and notes. */
export function huntReport(inputs: HuntInputs, run: HuntRun): string {
  const lines: string[] = ['# Local hunt report', '']
  const failed = run.outcomes.filter((o) => o.status === 'failed')
  lines.push(
    `- Time the lookback counts from: ${inputs.now}`,
    `- Queries: ${markdownCodeSpan(inputs.queries, 'text')}`,
    `- Log files: ${inputs.logFiles.map((f) => markdownCodeSpan(f, 'text')).join(', ')}`,
    `- Queries run: ${run.outcomes.length - failed.length} of ${run.outcomes.length}`,
    `- Findings: ${run.findings.length} (${run.duplicateMatches} further matches of the same row and indicator merged)`,
    `- Unparsed log lines: ${inputs.unparsedLines}; values not loaded as written: ${inputs.invalidValues}`,
    '',
    '## Log rows per table',
    '',
    '| Table | Rows |',
    '|---|---:|',
  )
  for (const [table, rows] of Object.entries(inputs.tableRows)) {
    lines.push(`| ${escapeMarkdown(table)} | ${rows} |`)
  }
  lines.push('')

  const perFamily = findingsPerFamily(run.findings)
  lines.push('## Findings', '')
  if (perFamily.size === 0) lines.push('No query matched a log row.', '')
  for (const [family, count] of perFamily) {
    lines.push(`### ${escapeMarkdown(family)} (${count})`, '')
    lines.push(
      '| Indicator | Port matched | Table | Time (UTC) | Device | Source | Destination | Process | Log line |',
      '|---|---|---|---|---|---|---|---|---|',
    )
    const rows = run.findings.filter((f) => f.family === family)
    for (const f of rows.slice(0, REPORT_ROWS_PER_FAMILY)) {
      lines.push(
        `| ${cell(f.indicator)} | ${portText(f.portMatched)} | ${escapeMarkdown(f.table)} | ${f.time ?? ''} | ` +
          `${cell(f.hosts.device)} | ${cell(f.hosts.source)} | ${cell(f.hosts.destination)} | ` +
          `${cell(f.process)} | ${cell(`${f.logFile}:${f.logLine}`)} |`,
      )
    }
    if (rows.length > REPORT_ROWS_PER_FAMILY) {
      lines.push(
        '',
        `${rows.length - REPORT_ROWS_PER_FAMILY} more findings of this family are in findings.csv.`,
      )
    }
    lines.push('')
  }

  if (failed.length > 0) {
    lines.push('## Queries that failed', '')
    for (const outcome of failed) {
      lines.push(
        `- ${markdownCodeSpan(outcome.file, 'text')}: ${escapeMarkdown(outcome.error ?? '')}`,
      )
    }
    lines.push('')
  }
  const warned = run.outcomes.filter((o) => o.warnings.length > 0)
  if (warned.length > 0) {
    lines.push('## Query notes', '')
    for (const outcome of warned) {
      for (const warning of outcome.warnings) {
        lines.push(
          `- ${markdownCodeSpan(outcome.file, 'text')}: ${escapeMarkdown(warning)}`,
        )
      }
    }
    lines.push('')
  }
  lines.push(
    '## How to read this report',
    '',
    '- A finding is one log row matched for one indicator. When several queries of a family match the same row for the same indicator, they make one finding; the other queries are listed in findings.csv.',
    '- "address only" means the address matched an ip:port indicator but the port did not: a weaker hit.',
    '- Findings list every matched row, also for queries that summarize their results in Sentinel.',
    '- `has` is evaluated on whole terms of letters and digits, ignoring case, as Kusto documents it; watchlists are not available locally.',
    '',
  )
  return lines.join('\n')
}
