import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { DuckDBInstance } from '@duckdb/node-api'
import { SingleBar } from 'cli-progress'
import { InvalidArgumentError, type Command } from 'commander'

import {
  loadLogs,
  type LoadLogsOptions,
  type LoadReport,
} from '../../logs/load-logs.ts'
import {
  findingsPerFamily,
  writeFindings,
  type HuntInputs,
} from '../../local-hunt/findings-writer.ts'
import {
  HuntQueryInputError,
  readPackageQueries,
} from '../../local-hunt/hunt-queries.ts'
import {
  runHunt,
  type HuntQuery,
  type HuntRun,
} from '../../local-hunt/hunt-runner.ts'

/** Options of `huntpack hunt` after parsing. */
export interface HuntOptions {
  packages?: string
  query?: string
  logs: string[]
  out: string
  now?: Date
  family?: string
}

interface OutputStream {
  write(text: string): unknown
  isTTY?: boolean
}

/** Functions and streams that `huntpack hunt` uses; tests replace parts of them. */
export interface HuntDependencies {
  loadLogs: typeof loadLogs
  stdout: OutputStream
  stderr: OutputStream
  env: NodeJS.ProcessEnv
  /** Returns the current time, the default of `--now`. */
  clock: () => Date
}

const defaultDependencies = (): HuntDependencies => ({
  loadLogs,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  clock: () => new Date(),
})

/** Raised after the outputs are written when some queries could not run. */
export class HuntQueryFailuresError extends Error {
  constructor(failed: number, report: string) {
    super(
      `${failed} hunting ${failed === 1 ? 'query' : 'queries'} failed; the other results are written, see ${report} for the errors`,
    )
    this.name = 'HuntQueryFailuresError'
  }
}

// An ISO 8601 date or date-time without a zone, read as UTC.
const ZONELESS = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/

/** Parses `--now`: ISO 8601; a value without zone is UTC. */
export function parseNow(text: string): Date {
  const trimmed = text.trim()
  const iso = ZONELESS.test(trimmed)
    ? `${trimmed.replace(' ', 'T')}${trimmed.length === 10 ? 'T00:00:00' : ''}Z`
    : trimmed
  const time = Date.parse(iso)
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || Number.isNaN(time)) {
    throw new InvalidArgumentError(
      'Expected an ISO 8601 time such as 2026-05-01T12:00:00Z (UTC when no zone is given).',
    )
  }
  return new Date(time)
}

function createProgress(dependencies: HuntDependencies) {
  const { stderr, env } = dependencies
  if (!stderr.isTTY || env.CI) return { update: () => {}, stop: () => {} }
  const bar = new SingleBar({
    stream: stderr as NodeJS.WritableStream,
    format: '{stage} [{bar}] {percentage}%',
    clearOnComplete: true,
    hideCursor: true,
  })
  let current: string | undefined
  return {
    update(stage: string, done: number, total: number) {
      if (stage !== current) {
        if (current !== undefined) bar.stop()
        bar.start(Math.max(total, 1), done, { stage })
        current = stage
      } else {
        bar.update(done)
      }
    },
    stop() {
      if (current !== undefined) bar.stop()
      current = undefined
    },
  }
}

async function readQueries(options: HuntOptions): Promise<HuntQuery[]> {
  if (options.query) {
    let text: string
    try {
      text = await readFile(options.query, 'utf8')
    } catch (error) {
      throw new HuntQueryInputError(
        `cannot read query file ${options.query}: ${(error as Error).message}`,
      )
    }
    return [
      { family: options.family ?? 'user query', file: options.query, text },
    ]
  }
  return readPackageQueries(options.packages!, options.family)
}

const number = (value: number) => value.toLocaleString('en-US')

/** Formats the summary `huntpack hunt` prints. */
export function formatHuntSummary(
  load: LoadReport,
  run: HuntRun,
  outDir: string,
): string {
  const lines: string[] = []
  lines.push(
    `Loaded ${number(load.totalRows)} log rows from ${number(load.files.length)} files ` +
      `(${number(load.unparsed.count)} unparsed lines, ${number(load.invalidValues.count)} values not loaded as written).`,
  )
  for (const [table, rows] of Object.entries(load.tables)) {
    if (rows > 0) lines.push(`  ${table}: ${number(rows)}`)
  }
  const failed = run.outcomes.filter((o) => o.status === 'failed').length
  lines.push(
    `Ran ${number(run.outcomes.length - failed)} of ${number(run.outcomes.length)} queries` +
      (failed ? ` (${number(failed)} failed, listed in report.md).` : '.'),
  )
  lines.push(
    `Findings: ${number(run.findings.length)}` +
      (run.duplicateMatches
        ? ` (${number(run.duplicateMatches)} more matches of the same row and indicator merged).`
        : '.'),
  )
  for (const [family, count] of findingsPerFamily(run.findings)) {
    lines.push(`  ${family}: ${number(count)}`)
  }
  lines.push(
    `Wrote ${['findings.json', 'findings.csv', 'report.md'].map((f) => path.join(outDir, f)).join(', ')}.`,
  )
  return `${lines.join('\n')}\n`
}

/**
 * Runs `huntpack hunt`: loads the log files into an in-memory DuckDB, runs
 * every hunting query against them, writes findings.json, findings.csv and
 * report.md to `options.out` and prints a summary.
 *
 * @throws HuntQueryInputError when the queries cannot be read.
 * @throws UnknownLogFormatError or LogFileError when a log file cannot be read.
 * @throws HuntQueryFailuresError after writing the outputs when some queries failed.
 */
export async function runHuntCommand(
  options: HuntOptions,
  dependencies: HuntDependencies = defaultDependencies(),
): Promise<void> {
  const queries = await readQueries(options)
  const now = options.now ?? dependencies.clock()
  const progress = createProgress(dependencies)
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    const loadOptions: LoadLogsOptions = {
      onProgress: (read, total) =>
        progress.update('Loading logs    ', read, total),
    }
    let load: LoadReport
    let run: HuntRun
    try {
      load = await dependencies.loadLogs(connection, options.logs, loadOptions)
      progress.stop()
      run = await runHunt(connection, queries, {
        now,
        onQuery: (index, total) =>
          progress.update('Running queries ', index, total),
      })
    } finally {
      progress.stop()
    }
    const inputs: HuntInputs = {
      now: now.toISOString(),
      queries: options.query ?? options.packages!,
      logFiles: options.logs,
      tableRows: Object.fromEntries(
        Object.entries(load.tables).filter(([, rows]) => rows > 0),
      ),
      unparsedLines: load.unparsed.count,
      invalidValues: load.invalidValues.count,
    }
    const written = await writeFindings(options.out, inputs, run)
    dependencies.stdout.write(formatHuntSummary(load, run, options.out))
    const failed = run.outcomes.filter((o) => o.status === 'failed').length
    if (failed > 0) throw new HuntQueryFailuresError(failed, written.report)
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

/** Adds the `hunt` subcommand to `program`. */
export function registerHuntCommand(
  program: Command,
  dependencies?: Partial<HuntDependencies>,
): Command {
  return program
    .command('hunt')
    .description(
      "Run hunting packages' KQL queries against exported log files on a local DuckDB",
    )
    .option('--packages <dir>', 'package folder written by huntpack build')
    .option('--query <file>', 'one .kql file to run instead of packages')
    .requiredOption(
      '--logs <file...>',
      'log files: Zeek, Suricata eve.json, Sysmon, CEF/syslog, CommonSecurityLog or Defender exports',
    )
    .requiredOption(
      '--out <dir>',
      'folder for findings.json, findings.csv and report.md',
    )
    .option(
      '--now <time>',
      'time that ago() counts back from, ISO 8601 (default: now)',
      parseNow,
    )
    .option(
      '--family <name>',
      'run only this family (name or folder); with --query, the family to report',
    )
    .action(async (options: HuntOptions) => {
      if (Boolean(options.packages) === Boolean(options.query)) {
        throw new HuntQueryInputError(
          'give either --packages DIR or --query FILE, not both',
        )
      }
      await runHuntCommand(options, {
        ...defaultDependencies(),
        ...dependencies,
      })
    })
}
