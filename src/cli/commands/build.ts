import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SingleBar } from 'cli-progress'
import { InvalidArgumentError, type Command } from 'commander'
import { Allowlist } from '../../allowlist/allowlist.ts'
import type { ReservedRangeCategory } from '../../allowlist/reserved-ranges.ts'
import { ingestFeeds, type IngestOptions } from '../../feeds/ingest-feeds.ts'
import type { IngestResult } from '../../indicators/indicator.ts'
import {
  buildPackages,
  type PackageBuildStages,
} from '../../packages/build-packages.ts'
import { formatBuildSummary } from '../../packages/build-summary.ts'
import { writePackages } from '../../packages/write-packages.ts'
import { createBuildStages } from '../../packages/build-stages.ts'
import { sentinelRepositoryFiles } from '../../deploy/sentinel-repo-layout.ts'
import {
  addBuildFromStateOptions,
  isFromState,
  runBuildFromState,
} from './build-from-state.ts'

/** The feed `huntpack build` reads when given none, relative to the package root. */
export const BUNDLED_SAMPLE = 'samples/threatfox-recent.json'

// src/cli/commands/ is three levels below the package root.
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** Options of `huntpack build` after parsing. */
export interface BuildOptions {
  out: string
  minConfidence?: number
  lookback: string
  verbose: boolean
  /** User allow-list files (`--allowlist`). */
  allowlist?: string[]
  /** Reserved address categories to leave out; default all. */
  reservedRanges?: ReservedRangeCategory[]
  /** Leave out documented sinkholes; default true. */
  sinkholes?: boolean
  /** Leave out bare domains of popular services; default true. */
  popularDomains?: boolean
  /** Output layout; default `packages`. */
  layout?: BuildLayout
}

/**
 * `packages`: one folder per family. `sentinel-repo`: the same, plus the
 * folders and `sentinel-deployment.config` that a Microsoft Sentinel
 * repository connection deploys.
 */
export type BuildLayout = 'packages' | 'sentinel-repo'

const LAYOUTS: readonly BuildLayout[] = ['packages', 'sentinel-repo']

function parseLayout(text: string): BuildLayout {
  if (!(LAYOUTS as readonly string[]).includes(text)) {
    throw new InvalidArgumentError(`Expected ${LAYOUTS.join(' or ')}.`)
  }
  return text as BuildLayout
}

interface OutputStream {
  write(text: string): unknown
  isTTY?: boolean
}

/** Functions and streams `huntpack build` uses from outside; tests replace some of them. */
export interface BuildDependencies {
  ingestFeeds: (
    paths: string[],
    options: IngestOptions,
  ) => Promise<IngestResult>
  /** Returns the hunt building and query checking stages for a lookback such as `14d`. */
  createStages: (
    lookback: string,
  ) => Pick<
    PackageBuildStages,
    'buildFamilyHunts' | 'validateQuery' | 'buildDeployContent'
  >
  stdout: OutputStream
  stderr: OutputStream
  env: NodeJS.ProcessEnv
}

const defaultDependencies = (): BuildDependencies => ({
  ingestFeeds,
  createStages: createBuildStages,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
})

function parseMinConfidence(text: string): number {
  const value = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || value > 100) {
    throw new InvalidArgumentError('Expected a number from 0 to 100.')
  }
  return value
}

// A KQL timespan of a whole number of days, hours, minutes or seconds, the
// forms the hunt renderer accepts.
const LOOKBACK = /^[1-9][0-9]{0,4}[dhms]$/

function parseLookback(text: string): string {
  if (!LOOKBACK.test(text)) {
    throw new InvalidArgumentError(
      'Expected a whole number of days (d), hours (h), minutes (m) or seconds (s), for example 14d or 36h.',
    )
  }
  return text
}

/** Shows stage progress on a terminal; does nothing when stderr is not a TTY or `CI` is set. */
function createProgress(dependencies: BuildDependencies) {
  const { stderr, env } = dependencies
  if (!stderr.isTTY || env.CI) return { update: () => {}, stop: () => {} }

  const bar = new SingleBar({
    stream: stderr as NodeJS.WritableStream,
    format: '{stage} [{bar}] {value}/{total}',
    clearOnComplete: true,
    hideCursor: true,
  })
  let current: string | undefined
  return {
    update(stage: string, done: number, total: number) {
      if (stage !== current) {
        if (current !== undefined) bar.stop()
        bar.start(total, done, { stage })
        current = stage
      } else {
        bar.update(done)
      }
    },
    stop() {
      if (current !== undefined) bar.stop()
    },
  }
}

const STAGE_LABELS = {
  hunts: 'Building hunts  ',
  validation: 'Checking queries',
  deploy: 'Building rules  ',
}

/**
 * Runs `huntpack build`. It reads the feeds, or the bundled sample when
 * `feeds` is empty, and leaves out what the allow-list covers. Then it
 * builds and checks every family's hunting queries, writes the package tree
 * to `options.out` in one step, and prints a summary.
 *
 * @throws AllowlistFileError when an allow-list file is unreadable or invalid.
 * @throws FeedError when a feed file is missing or invalid.
 * @throws QueryValidationError when any query has a KQL error or warning;
 *   nothing is written then.
 * @throws OutputDirectoryError when `options.out` is a file, or a non-empty
 *   folder that huntpack did not write.
 */
export async function runBuild(
  feeds: readonly string[],
  options: BuildOptions,
  dependencies: BuildDependencies = defaultDependencies(),
): Promise<void> {
  const bundled = feeds.length === 0
  const paths = bundled ? [path.join(PACKAGE_ROOT, BUNDLED_SAMPLE)] : [...feeds]
  // index.json lists the bundled sample by its path in the package, so the
  // output does not depend on where huntpack is installed.
  const displayName = (file: string) => (bundled ? BUNDLED_SAMPLE : file)

  const allowlist = Allowlist.load({
    files: options.allowlist ?? [],
    reservedRanges: options.reservedRanges,
    sinkholes: options.sinkholes,
    popularDomains: options.popularDomains,
  })
  const ingest = await dependencies.ingestFeeds(paths, {
    minConfidence: options.minConfidence,
  })
  const rejected = ingest.rejected.map((r) => ({
    ...r,
    file: displayName(r.file),
  }))

  const progress = createProgress(dependencies)
  const stages = dependencies.createStages(options.lookback)
  let build
  try {
    const buildOptions = {
      inputs: paths.map(displayName),
      lookback: options.lookback,
      allowlist,
    }
    build = await buildPackages({ ...ingest, rejected }, buildOptions, {
      ...stages,
      onProgress: (stage, done, total) =>
        progress.update(STAGE_LABELS[stage], done, total),
    })
  } finally {
    progress.stop()
  }

  const files =
    options.layout === 'sentinel-repo'
      ? sentinelRepositoryFiles(
          build.families.flatMap((family) =>
            family.deploy ? [{ ...family, deploy: family.deploy }] : [],
          ),
          build.files,
        )
      : build.files
  await writePackages(options.out, files)
  dependencies.stdout.write(
    formatBuildSummary(build, options.out, options.verbose),
  )
}

/** Adds the `build` subcommand to `program`. */
export function registerBuildCommand(
  program: Command,
  dependencies?: Partial<BuildDependencies>,
): Command {
  return addBuildFromStateOptions(program.command('build'))
    .description(
      'Build one hunting package per malware family from ThreatFox feed files',
    )
    .argument(
      '[feed...]',
      `ThreatFox JSON export, API response, CSV export or ZIP of one (default: the bundled ${BUNDLED_SAMPLE})`,
    )
    .requiredOption(
      '--out <dir>',
      'output folder; replaced as a whole, so it must be new, empty or an earlier huntpack output',
    )
    .option(
      '--min-confidence <percent>',
      'reject indicators with a feed confidence below this, 0 to 100',
      parseMinConfidence,
    )
    .option(
      '--lookback <timespan>',
      'how far back the queries search, in days (d), hours (h), minutes (m) or seconds (s)',
      parseLookback,
      '14d',
    )
    .option(
      '--layout <layout>',
      'packages (one folder per family) or sentinel-repo (adds the folders and sentinel-deployment.config that a Sentinel repository connection deploys)',
      parseLayout,
      'packages',
    )
    .option(
      '--verbose',
      'list every family folder and every KQL parser suggestion',
      false,
    )
    .action(async (feeds: string[], options: BuildOptions) => {
      if (options.layout === 'sentinel-repo' && isFromState(options)) {
        throw new Error(
          '--layout sentinel-repo does not work with --from-state yet; build without --from-state, or with --layout packages',
        )
      }
      if (isFromState(options)) {
        await runBuildFromState(feeds, options, {
          ...defaultDependencies(),
          ...dependencies,
        })
        return
      }
      await runBuild(feeds, options, {
        ...defaultDependencies(),
        ...dependencies,
      })
    })
}
