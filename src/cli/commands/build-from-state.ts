import type { Command } from 'commander'
import {
  buildFromState,
  type BuildFromStateResult,
} from '../../lifecycle/build-from-state.ts'
import { formatBuildSummary } from '../../packages/build-summary.ts'
import { StateStore } from '../../state/state-store.ts'
import type { BuildDependencies } from './build.ts'
import {
  addStateOptions,
  resolveStateSettings,
  type StateCommandOptions,
} from './state-options.ts'

/** Options `huntpack build --from-state` reads, on top of the build options. */
export interface BuildFromStateCommandOptions extends StateCommandOptions {
  fromState?: boolean
  out: string
  lookback: string
  verbose: boolean
}

/** Raised when `--from-state` is combined with feed arguments. */
export class BuildFromStateUsageError extends Error {
  constructor(feeds: readonly string[]) {
    super(
      `--from-state builds from the state database and reads no feed files, but ${feeds.length} were given ` +
        `(${feeds.join(', ')}). Add them first with \`huntpack ingest\`, then build with --from-state.`,
    )
    this.name = 'BuildFromStateUsageError'
  }
}

/**
 * Adds `--from-state` and the state options to the `build` command. The
 * build command's own `--min-confidence` is used as the lifecycle minimum.
 */
export function addBuildFromStateOptions(command: Command): Command {
  command.option(
    '--from-state',
    'build from the active indicators of the state database (see huntpack ingest and fetch) instead of feed files',
  )
  return addStateOptions(command, { withMinConfidence: false })
}

/** Tells whether parsed build options ask for a build from the state. */
export function isFromState(
  options: object,
): options is BuildFromStateCommandOptions {
  return (options as { fromState?: boolean }).fromState === true
}

/** Runs `huntpack build --from-state` and prints the summary. */
export async function runBuildFromState(
  feeds: readonly string[],
  options: BuildFromStateCommandOptions,
  dependencies: Pick<BuildDependencies, 'createStages' | 'stdout' | 'env'>,
): Promise<BuildFromStateResult> {
  if (feeds.length > 0) throw new BuildFromStateUsageError(feeds)

  const settings = resolveStateSettings(options, dependencies.env)
  const store = await StateStore.open(settings.statePath, {
    command: 'build --from-state',
  })
  try {
    const result = await buildFromState(store, {
      out: options.out,
      lookback: options.lookback,
      inputs: [store.path],
      stages: dependencies.createStages(options.lookback),
      policy: settings.policy,
      allowlist: settings.allowlist,
      now: settings.now,
    })
    dependencies.stdout.write(
      formatBuildSummary(result.build, options.out, options.verbose),
    )
    dependencies.stdout.write(formatFamilyChanges(result))
    return result
  } finally {
    store.close()
  }
}

/** Formats which family folders a build from the state rewrote, kept and removed. */
export function formatFamilyChanges(result: BuildFromStateResult): string {
  const lines = [
    `Build ${result.buildId}: rewrote ${result.rewritten.length} family folder(s), ` +
      `kept ${result.unchanged.length} unchanged, removed ${result.removed.length}`,
  ]
  if (result.rewritten.length > 0)
    lines.push(`  rewritten: ${result.rewritten.join(', ')}`)
  if (result.removed.length > 0)
    lines.push(`  removed (no active indicator): ${result.removed.join(', ')}`)
  const changes = result.lifecycle?.changes ?? []
  if (changes.length > 0) {
    lines.push(`Status changes since the last run (${changes.length}):`)
    for (const change of changes) {
      lines.push(
        `  ${change.type} ${JSON.stringify(change.value)} (${change.family}): ${change.to}, ${change.reason ?? ''}`,
      )
    }
  }
  return `${lines.join('\n')}\n`
}
