import { setTimeout as delay } from 'node:timers/promises'
import { InvalidArgumentError, type Command } from 'commander'
import { resolveThreatFoxSettings } from '../../fetch/threatfox-client.ts'
import { buildFromState } from '../../lifecycle/build-from-state.ts'
import { createBuildStages } from '../../packages/build-stages.ts'
import type { PackageBuildStages } from '../../packages/build-packages.ts'
import { StateStore } from '../../state/state-store.ts'
import { toUtcTimestamp } from '../../state/utc-timestamp.ts'
import {
  addFetchOptions,
  checkAuthKey,
  describeFetchCommand,
  fetchIntoState,
  resolveFetchRequest,
  type FetchOptions,
} from './fetch.ts'
import {
  addStateOptions,
  resolveStateSettings,
  type StateCommandOptions,
} from './state-options.ts'

/** Options of `huntpack watch` after parsing. */
export interface WatchOptions extends FetchOptions, StateCommandOptions {
  /** Time from the start of one cycle to the start of the next, in milliseconds. */
  every: number
  once: boolean
  out: string
  lookback: string
}

interface OutputStream {
  write(text: string): unknown
  isTTY?: boolean
}

/** Streams, signals and stages `huntpack watch` uses from outside; tests replace them. */
export interface WatchDependencies {
  env: NodeJS.ProcessEnv
  stdout: OutputStream
  stderr: OutputStream
  /** Emits SIGINT and SIGTERM. Default: `process`. */
  signals: NodeJS.EventEmitter
  createStages: (
    lookback: string,
  ) => Pick<PackageBuildStages, 'buildFamilyHunts' | 'validateQuery'>
}

/** Raised by `watch --once` when its only cycle failed, so the exit status is 1. */
export class WatchCycleError extends Error {
  constructor(cycle: number) {
    super(
      `watch cycle ${cycle} failed (see the error above); state and packages are as before the cycle.`,
    )
    this.name = 'WatchCycleError'
  }
}

const UNITS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
}

/** Parses `--every`: a whole number and a unit, `s`, `m`, `h` or `d`, for example `1h`. */
export function parseInterval(text: string): number {
  const match = /^([1-9]\d{0,5})([smhd])$/.exec(text.trim())
  if (!match) {
    throw new InvalidArgumentError(
      'expected a whole number and a unit s, m, h or d, for example 30m or 1h.',
    )
  }
  return Number(match[1]) * UNITS[match[2]]
}

/**
 * Runs `huntpack watch`: every `options.every`, fetch from ThreatFox into
 * the state (one run, with statuses re-evaluated), then rebuild the
 * packages from the state, rewriting only changed families. Each cycle
 * prints one line with its counts. A failed cycle prints the error with
 * the cycle number and leaves state and packages as they were. The state
 * lock is taken only during a cycle.
 *
 * SIGINT or SIGTERM stop the loop: a download in progress is cancelled (so
 * the cycle is abandoned with nothing written), an ingest or build in
 * progress is finished, then the function returns normally.
 *
 * @throws WatchCycleError with `once` when the cycle failed.
 */
export async function runWatch(
  options: WatchOptions,
  dependencies: WatchDependencies = defaultWatchDependencies(),
): Promise<void> {
  const request = resolveFetchRequest(options)
  const threatfox = resolveThreatFoxSettings(dependencies.env)
  checkAuthKey(request, threatfox)
  const settings = resolveStateSettings(options, dependencies.env)
  const stages = dependencies.createStages(options.lookback)

  const stop = new AbortController()
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) return
    dependencies.stderr.write(
      `${stamp()} ${signal} received; stopping after the current step\n`,
    )
    stop.abort()
  }
  dependencies.signals.on('SIGINT', onSignal)
  dependencies.signals.on('SIGTERM', onSignal)

  try {
    for (let cycle = 1; !stop.signal.aborted; cycle++) {
      const started = Date.now()
      const ok = await runCycle(cycle, options, dependencies, stop.signal, {
        request,
        threatfox,
        settings,
        stages,
      })
      if (options.once) {
        if (!ok && !stop.signal.aborted) throw new WatchCycleError(cycle)
        break
      }
      await sleepUntilNext(started + options.every - Date.now(), stop.signal)
    }
  } finally {
    dependencies.signals.off('SIGINT', onSignal)
    dependencies.signals.off('SIGTERM', onSignal)
  }
  dependencies.stderr.write(`${stamp()} watch stopped\n`)
}

interface CycleContext {
  request: ReturnType<typeof resolveFetchRequest>
  threatfox: ReturnType<typeof resolveThreatFoxSettings>
  settings: ReturnType<typeof resolveStateSettings>
  stages: Pick<PackageBuildStages, 'buildFamilyHunts' | 'validateQuery'>
}

/** Runs one fetch-and-build cycle; returns false when it failed or was abandoned. */
async function runCycle(
  cycle: number,
  options: WatchOptions,
  dependencies: WatchDependencies,
  signal: AbortSignal,
  context: CycleContext,
): Promise<boolean> {
  let runId: number | undefined
  let store: StateStore | undefined
  try {
    store = await StateStore.open(context.settings.statePath, {
      command: 'watch',
    })
    const now = context.settings.now
    const command = `watch: ${describeFetchCommand(context.request)}`
    const fetched = await fetchIntoState(
      store,
      context.request,
      options,
      context.settings,
      context.threatfox,
      { ...dependencies, signal },
      command,
    )
    runId = fetched.report.runId

    const built = await buildFromState(store, {
      out: options.out,
      lookback: options.lookback,
      inputs: [store.path],
      stages: context.stages,
      policy: context.settings.policy,
      allowlist: context.settings.allowlist,
      now,
      applyLifecycle: false,
    })

    const { counts } = fetched.report
    dependencies.stdout.write(
      `${stamp()} cycle ${cycle} run ${runId} build ${built.buildId}: ` +
        `fetched ${fetched.fetched.recordCount} records (${fetched.fetched.source}); ` +
        `${counts.added} added, ${counts.updated} updated, ${counts.expired} expired, ` +
        `${counts.allowListed} allow-listed, ${counts.rejected} rejected; ${counts.totalActive} active; ` +
        `${built.rewritten.length} families rewritten, ${built.unchanged.length} kept, ${built.removed.length} removed\n`,
    )
    for (const change of fetched.report.changes.filter(
      (item) => item.to === 'allow-listed',
    )) {
      dependencies.stdout.write(
        `${stamp()} cycle ${cycle} allow-listed ${change.type} ${JSON.stringify(change.value)} (${change.family}): ${change.reason}\n`,
      )
    }
    return true
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const where =
      runId === undefined
        ? 'no run recorded'
        : `run ${runId} recorded, packages not rebuilt`
    const outcome = signal.aborted ? 'abandoned' : 'failed'
    dependencies.stderr.write(
      `${stamp()} cycle ${cycle} ${outcome} (${where}; previous packages kept): ${message}\n`,
    )
    return false
  } finally {
    store?.close()
  }
}

async function sleepUntilNext(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return
  try {
    await delay(ms, undefined, { signal })
  } catch (error) {
    if (!signal.aborted) throw error
  }
}

function stamp(): string {
  return toUtcTimestamp(new Date())
}

function defaultWatchDependencies(): WatchDependencies {
  return {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    signals: process,
    createStages: createBuildStages,
  }
}

// A KQL timespan in whole days, hours or minutes, as `ago()` takes it.
function parseLookback(text: string): string {
  if (!/^[1-9][0-9]{0,4}[dhm]$/.test(text)) {
    throw new InvalidArgumentError(
      'expected a whole number of days, hours or minutes, for example 14d, 36h or 90m.',
    )
  }
  return text
}

/** Adds the `watch` subcommand to `program`. */
export function registerWatchCommand(program: Command): Command {
  const command = program
    .command('watch')
    .description(
      'Fetch from ThreatFox, update the state and rebuild changed packages on a schedule',
    )
    .requiredOption(
      '--out <dir>',
      'package output folder, rebuilt after each fetch',
    )
    .requiredOption(
      '--every <interval>',
      'time between cycle starts, for example 30m, 1h or 1d',
      parseInterval,
    )
    .option(
      '--once',
      'run one cycle and exit (exit status 1 when it failed)',
      false,
    )
    .option(
      '--lookback <timespan>',
      'how far back the queries search, in days (d), hours (h) or minutes (m)',
      parseLookback,
      '14d',
    )
  return addStateOptions(addFetchOptions(command)).action(
    async (options: WatchOptions) => {
      await runWatch(options)
    },
  )
}
