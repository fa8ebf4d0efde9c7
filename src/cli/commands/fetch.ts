import { SingleBar } from 'cli-progress'
import { Argument, InvalidArgumentError, Option, type Command } from 'commander'
import type { RetryEvent } from '../../fetch/fetch-with-retry.ts'
import {
  fetchThreatFox,
  type FetchedFeed,
  type ThreatFoxFetchRequest,
} from '../../fetch/fetch-threatfox.ts'
import {
  requireThreatFoxAuthKey,
  resolveThreatFoxSettings,
  THREATFOX_ENV,
  type ThreatFoxExportKind,
  type ThreatFoxSettings,
} from '../../fetch/threatfox-client.ts'
import type { IngestResult } from '../../indicators/indicator.ts'
import { ingestIntoState } from '../../lifecycle/ingest-into-state.ts'
import type { RunReport } from '../../lifecycle/record-run.ts'
import { StateStore } from '../../state/state-store.ts'
import { formatRunReport } from './format-run-report.ts'
import {
  addStateOptions,
  resolveStateSettings,
  type StateCommandOptions,
  type StateSettings,
} from './state-options.ts'

/** Options of `huntpack fetch` and of the fetch step of `huntpack watch`. */
export interface FetchOptions {
  days?: number
  malware?: string
  export?: ThreatFoxExportKind
  /** Time limit of one HTTP attempt, in seconds. */
  timeout: number
  maxAttempts: number
  /** First retry delay in milliseconds. */
  backoffBase: number
}

interface FetchCommandOptions extends FetchOptions, StateCommandOptions {
  verbose: boolean
}

interface OutputStream {
  write(text: string): unknown
  isTTY?: boolean
}

/** Environment and streams a fetch uses; tests and `watch` pass their own. */
export interface FetchDependencies {
  env: NodeJS.ProcessEnv
  stdout: OutputStream
  stderr: OutputStream
  /** Cancels the download (for example on SIGTERM in `watch`). */
  signal?: AbortSignal
}

/** Result of {@link fetchIntoState}. */
export interface FetchRunResult {
  fetched: FetchedFeed
  report: RunReport
  ingest: IngestResult
}

const EXPORT_KINDS: readonly ThreatFoxExportKind[] = [
  'recent-json',
  'recent-csv',
  'full-zip',
]

function parseDays(text: string): number {
  const value = Number(text)
  // The API documents days from 1 to 7 (threatfox.abuse.ch/api, get_iocs).
  if (!/^[1-7]$/.test(text.trim()))
    throw new InvalidArgumentError('expected a whole number from 1 to 7.')
  return value
}

function parsePositiveInteger(text: string): number {
  if (!/^[1-9]\d*$/.test(text.trim()))
    throw new InvalidArgumentError('expected a whole number of 1 or more.')
  return Number(text)
}

function parseSeconds(text: string): number {
  const value = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || value <= 0) {
    throw new InvalidArgumentError('expected a number of seconds above 0.')
  }
  return value
}

/** Raised for fetch options that cannot be combined. */
export class FetchOptionsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FetchOptionsError'
  }
}

/**
 * Turns the fetch options into one request: `--malware`, `--export` or
 * `--days` (default 1).
 *
 * @throws FetchOptionsError when more than one is given or the family name is empty.
 */
export function resolveFetchRequest(
  options: FetchOptions,
): ThreatFoxFetchRequest {
  const chosen = [options.days, options.malware, options.export].filter(
    (value) => value !== undefined,
  )
  if (chosen.length > 1) {
    throw new FetchOptionsError(
      'Use only one of --days, --malware and --export.',
    )
  }
  if (options.malware !== undefined) {
    if (options.malware.trim() === '')
      throw new FetchOptionsError('--malware needs a malware family name.')
    return { kind: 'malware', malware: options.malware.trim() }
  }
  if (options.export !== undefined)
    return { kind: 'export', export: options.export }
  return { kind: 'recent', days: options.days ?? 1 }
}

/** Adds the download options shared by `fetch` and `watch`. */
export function addFetchOptions(command: Command): Command {
  return command
    .option(
      '--days <n>',
      'API get_iocs: IOCs first seen in the last n days, 1 to 7 (default 1)',
      parseDays,
    )
    .option(
      '--malware <name>',
      'API malwareinfo: the latest IOCs of one malware family, for example "Cobalt Strike"',
    )
    .addOption(
      new Option(
        '--export <kind>',
        'download a bulk export instead of querying the API',
      ).choices([...EXPORT_KINDS]),
    )
    .option(
      '--timeout <seconds>',
      'time limit of one HTTP attempt',
      parseSeconds,
      60,
    )
    .option(
      '--max-attempts <n>',
      'HTTP attempts before giving up (429, 5xx, timeouts and network errors are retried)',
      parsePositiveInteger,
      4,
    )
    .option(
      '--backoff-base <ms>',
      'first retry delay in milliseconds, doubled per retry, with jitter',
      parsePositiveInteger,
      1000,
    )
}

/**
 * Downloads from ThreatFox, saves the response next to the state
 * (`<state>.downloads/`) and ingests it as one run. A failed download
 * leaves the state untouched.
 *
 * @throws FetchError for download failures, FeedError when the saved
 *   response cannot be read as a feed.
 */
export async function fetchIntoState(
  store: StateStore,
  request: ThreatFoxFetchRequest,
  options: FetchOptions,
  settings: StateSettings,
  threatfox: ThreatFoxSettings,
  dependencies: FetchDependencies,
  command: string,
): Promise<FetchRunResult> {
  const started = new Date()
  const progress = createDownloadProgress(dependencies)
  let fetched: FetchedFeed
  try {
    fetched = await fetchThreatFox(request, {
      settings: threatfox,
      downloadDir: `${store.path}.downloads`,
      now: started,
      timeoutMs: options.timeout * 1000,
      maxAttempts: options.maxAttempts,
      backoffBaseMs: options.backoffBase,
      signal: dependencies.signal,
      onRetry: (event) => dependencies.stderr.write(formatRetry(event)),
      onProgress: progress.update,
    })
  } finally {
    progress.stop()
  }

  const { report, ingest } = await ingestIntoState(store, {
    command,
    paths: [fetched.file],
    sources: [fetched.source],
    policy: settings.policy,
    allowlist: settings.allowlist,
    now: settings.now,
  })
  return { fetched, report, ingest }
}

/** Checks that a request that needs the Auth-Key has one, before any state is opened. */
export function checkAuthKey(
  request: ThreatFoxFetchRequest,
  threatfox: ThreatFoxSettings,
): void {
  if (request.kind !== 'export') requireThreatFoxAuthKey(threatfox)
}

/** Builds the `runs` command text, for example `fetch threatfox --days 1`. */
export function describeFetchCommand(request: ThreatFoxFetchRequest): string {
  switch (request.kind) {
    case 'recent':
      return `fetch threatfox --days ${request.days}`
    case 'malware':
      return `fetch threatfox --malware ${JSON.stringify(request.malware)}`
    case 'export':
      return `fetch threatfox --export ${request.export}`
  }
}

/** Formats the first line of a fetch report. */
export function formatFetched(fetched: FetchedFeed): string {
  const what = fetched.empty
    ? 'no IOCs (the query matched nothing)'
    : `${fetched.recordCount} IOC records`
  return `Fetched ${what} from ${fetched.source}; saved to ${fetched.file}\n`
}

/** Runs `huntpack fetch threatfox`. */
export async function runFetch(
  options: FetchCommandOptions,
  dependencies: FetchDependencies = {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  },
): Promise<void> {
  const request = resolveFetchRequest(options)
  const threatfox = resolveThreatFoxSettings(dependencies.env)
  checkAuthKey(request, threatfox)

  const settings = resolveStateSettings(options, dependencies.env)
  const command = describeFetchCommand(request)
  const store = await StateStore.open(settings.statePath, { command })
  try {
    const result = await fetchIntoState(
      store,
      request,
      options,
      settings,
      threatfox,
      dependencies,
      command,
    )
    dependencies.stdout.write(formatFetched(result.fetched))
    dependencies.stdout.write(
      formatRunReport(
        result.report,
        result.ingest.rejected,
        store.path,
        options.verbose,
      ),
    )
  } finally {
    store.close()
  }
}

function formatRetry(event: RetryEvent): string {
  return (
    `huntpack: ${event.url}: ${event.reason}; retry ${event.attempt + 1} of ${event.maxAttempts} ` +
    `in ${(event.delayMs / 1000).toFixed(1)} s\n`
  )
}

/** Shows download progress in bytes on a terminal; silent when stderr is not a TTY or `CI` is set. */
function createDownloadProgress(dependencies: FetchDependencies) {
  const { stderr, env } = dependencies
  if (!stderr.isTTY || env.CI) return { update: undefined, stop: () => {} }

  const bar = new SingleBar({
    stream: stderr as NodeJS.WritableStream,
    format: 'Downloading [{bar}] {value}/{total} bytes',
    clearOnComplete: true,
    hideCursor: true,
  })
  let started = false
  return {
    update: (received: number, total: number | undefined) => {
      if (!started) bar.start(total ?? 0, received)
      started = true
      bar.update(received)
    },
    stop: () => {
      if (started) bar.stop()
    },
  }
}

/** Adds the `fetch` subcommand to `program`. */
export function registerFetchCommand(program: Command): Command {
  const command = program
    .command('fetch')
    .description(
      'Download IOCs from a feed service and add them to the state database',
    )
    .addArgument(
      new Argument('<source>', 'feed service').choices(['threatfox']),
    )
  return addStateOptions(addFetchOptions(command))
    .option('--verbose', 'list every rejected record', false)
    .addHelpText(
      'after',
      `\nEnvironment:\n  ${THREATFOX_ENV.authKey}   Auth-Key for the ThreatFox API (free at https://auth.abuse.ch/)\n` +
        `  ${THREATFOX_ENV.apiUrl}    replaces https://threatfox-api.abuse.ch/api/v1/\n` +
        `  ${THREATFOX_ENV.exportUrl} replaces https://threatfox.abuse.ch/export/\n`,
    )
    .action(async (_source: string, options: FetchCommandOptions) => {
      await runFetch(options)
    })
}
