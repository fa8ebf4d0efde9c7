import { createHash } from 'node:crypto'
import path from 'node:path'
import type { Allowlist } from '../allowlist/allowlist.ts'
import { compareIndicators } from '../indicators/compare-indicators.ts'
import { findFamilyOverlaps } from '../indicators/find-family-overlaps.ts'
import type { Indicator, IngestResult } from '../indicators/indicator.ts'
import {
  buildPackages,
  type PackageBuild,
  type PackageBuildStages,
} from '../packages/build-packages.ts'
import {
  renderChangelogSection,
  renderLifecycleSection,
  type DroppedIndicator,
  type FamilyChangelog,
} from '../packages/family-changelog.ts'
import { renderIndicatorsCsv } from '../packages/indicators-csv.ts'
import {
  hashFiles,
  hashFolder,
  writeChangedFamilies,
} from '../packages/write-changed-families.ts'
import type {
  BuildFamilyRecord,
  BuildIndicatorRecord,
  StateStore,
  StoredIndicator,
} from '../state/state-store.ts'
import { toUtcTimestamp } from '../state/utc-timestamp.ts'
import type { LifecyclePolicy } from './lifecycle-policy.ts'
import { recordRun, type RunReport } from './record-run.ts'

export interface BuildFromStateOptions {
  /** Output folder, replaced in one step. */
  out: string
  /** KQL timespan the queries search, for example `14d`. */
  lookback: string
  /** Names of the inputs for `index.json`. */
  inputs: string[]
  stages: PackageBuildStages
  policy: LifecyclePolicy
  allowlist: Allowlist
  /** Lifecycle time and build time; default: the clock. */
  now?: Date
  /**
   * Re-evaluate statuses at `now` before building (default true), so an
   * indicator that expired since the last run is not hunted.
   */
  applyLifecycle?: boolean
  /** Test seam, see `writeChangedFamilies`. */
  onFileWritten?: (relativePath: string) => Promise<void> | void
}

export interface BuildFromStateResult {
  buildId: number
  build: PackageBuild
  /** Names of families whose folder was written anew. */
  rewritten: string[]
  /** Names of families whose folder was kept byte for byte. */
  unchanged: string[]
  /** Names of families of the previous build that have no active indicator now. */
  removed: string[]
  /** The lifecycle pass, when one ran. */
  lifecycle?: RunReport
}

interface FamilyPlan {
  name: string
  slug: string
  contentHash: string
  filesHash: string
  keep: boolean
  indicators: BuildIndicatorRecord[]
}

/**
 * Builds packages from the active indicators of the state. Allow-listed
 * ones are listed as not hunted, as in a build from feed files. Each family
 * README gets a `## Lifecycle` section: indicators below the minimum
 * confidence, with reasons, and the number expired. When the family changed
 * since the previous build into the same folder, a `## Changes` section
 * lists the indicators added, no longer hunted and changed. A family whose
 * content is unchanged and whose folder on disk is as that build wrote it
 * keeps its folder: same bytes, same modification times.
 *
 * The new tree is written to a temporary folder and swapped in at once
 * (see `writeChangedFamilies`). The build is recorded in the state after
 * the swap, in one transaction.
 *
 * @throws QueryValidationError, PackageTreeError or OutputDirectoryError
 *   from the package builder; nothing is written or recorded then.
 */
export async function buildFromState(
  store: StateStore,
  options: BuildFromStateOptions,
): Promise<BuildFromStateResult> {
  const now = options.now ?? new Date()
  const built = toUtcTimestamp(now)
  const outDir = path.resolve(options.out)

  const lifecycle =
    options.applyLifecycle === false
      ? undefined
      : await recordRun(store, {
          command: 'build --from-state',
          sources: [],
          started: now,
          now,
          policy: options.policy,
          allowlist: options.allowlist,
        })

  // Allow-listed indicators go to the builder with the allow-list, which
  // leaves them out again and lists them in index.json and the READMEs.
  // NOTE: every stored indicator is loaded into memory, so memory use grows
  // with the state, expired indicators included; nothing prunes them yet.
  const stored = await store.loadIndicators()
  const candidates = stored
    .filter(
      (item) => item.status === 'active' || item.status === 'allow-listed',
    )
    .map((item) => item.indicator)
  const build = await buildPackages(
    asIngestResult(candidates),
    {
      inputs: options.inputs,
      lookback: options.lookback,
      allowlist: options.allowlist,
    },
    options.stages,
  )

  const previous = await store.latestBuild(outDir)
  const previousFamilies = new Map(
    (previous ? await store.loadBuildFamilies(previous.id) : []).map(
      (family) => [family.family, family],
    ),
  )
  const previousIndicators = previous
    ? await store.loadBuildIndicators(previous.id)
    : []
  const buildId = (await store.lastBuildId()) + 1
  const storedByKey = new Map(stored.map((item) => [item.indicator.key, item]))

  const plans: FamilyPlan[] = []
  for (const family of build.families) {
    addLifecycleSection(build.files, family.slug, family.name, stored)
    const plan = await planFamily(
      build.files,
      family,
      outDir,
      previousFamilies.get(family.name),
    )
    if (!plan.keep) {
      const changelog = diffFamily(
        family.name,
        plan,
        previousIndicators,
        storedByKey,
        {
          build: buildId,
          built,
          previousBuild: previous?.id,
        },
      )
      appendToReadme(
        build.files,
        family.slug,
        renderChangelogSection(changelog),
      )
      plan.filesHash = hashFiles(familyFiles(build.files, family.slug))
    }
    plans.push(plan)
  }

  const keepFolders = new Set(
    plans.filter((plan) => plan.keep).map((plan) => plan.slug),
  )
  await writeChangedFamilies(options.out, build.files, {
    keepFolders,
    onFileWritten: options.onFileWritten,
  })
  await recordBuild(store, {
    buildId,
    built,
    outDir,
    plans,
    previousFamilies,
    lastRun: await store.lastRunId(),
  })

  const currentNames = new Set(plans.map((plan) => plan.name))
  return {
    buildId,
    build,
    rewritten: plans.filter((plan) => !plan.keep).map((plan) => plan.name),
    unchanged: plans.filter((plan) => plan.keep).map((plan) => plan.name),
    removed: [...previousFamilies.keys()].filter(
      (name) => !currentNames.has(name),
    ),
    lifecycle,
  }
}

function asIngestResult(candidates: Indicator[]): IngestResult {
  const indicators = [...candidates].sort(compareIndicators)
  return {
    indicators,
    totals: {
      read: indicators.length,
      accepted: indicators.length,
      merged: 0,
      rejected: 0,
    },
    rejected: [],
    familyOverlaps: findFamilyOverlaps(indicators),
  }
}

function addLifecycleSection(
  files: Map<string, string>,
  slug: string,
  family: string,
  stored: readonly StoredIndicator[],
): void {
  const ofFamily = stored.filter((item) => item.indicator.family === family)
  const belowConfidence: DroppedIndicator[] = ofFamily
    .filter((item) => item.status === 'below-confidence')
    .map((item) => ({
      indicator: item.indicator,
      status: item.status,
      reason: item.statusReason ?? '',
    }))
  const expired = ofFamily.filter((item) => item.status === 'expired').length
  const section = renderLifecycleSection(belowConfidence, expired)
  if (section !== '') appendToReadme(files, slug, section)
}

async function planFamily(
  files: ReadonlyMap<string, string>,
  family: PackageBuild['families'][number],
  outDir: string,
  previous: BuildFamilyRecord | undefined,
): Promise<FamilyPlan> {
  const contentHash = hashFiles(familyFiles(files, family.slug))
  const indicators = family.indicators.map((indicator) => ({
    family: family.name,
    key: indicator.key,
    fingerprint: fingerprint(indicator),
  }))

  // Keep the folder only when the content is the same and the folder on
  // disk is still exactly what the previous build wrote.
  const keep =
    previous !== undefined &&
    previous.slug === family.slug &&
    previous.contentHash === contentHash &&
    (await hashFolder(path.join(outDir, family.slug))) === previous.filesHash
  return {
    name: family.name,
    slug: family.slug,
    contentHash,
    filesHash: keep ? previous.filesHash : '',
    keep,
    indicators,
  }
}

function diffFamily(
  family: string,
  plan: FamilyPlan,
  previousIndicators: readonly BuildIndicatorRecord[],
  storedByKey: ReadonlyMap<string, StoredIndicator>,
  header: Pick<FamilyChangelog, 'build' | 'built' | 'previousBuild'>,
): FamilyChangelog {
  const before = new Map(
    previousIndicators
      .filter((item) => item.family === family)
      .map((item) => [item.key, item.fingerprint]),
  )
  const now = new Map(
    plan.indicators.map((item) => [item.key, item.fingerprint]),
  )
  const indicatorOf = (key: string) => storedByKey.get(key)!.indicator

  const changelog: FamilyChangelog = {
    ...header,
    added: [...now.keys()].filter((key) => !before.has(key)).map(indicatorOf),
    changed: [...now.keys()]
      .filter((key) => before.has(key) && before.get(key) !== now.get(key))
      .map(indicatorOf),
    removed: [...before.keys()]
      .filter((key) => !now.has(key) && storedByKey.has(key))
      .map((key) => {
        const stored = storedByKey.get(key)!
        return {
          indicator: stored.indicator,
          status: stored.status,
          reason: stored.statusReason ?? '',
        }
      }),
  }
  if (
    header.previousBuild !== undefined &&
    before.size === 0 &&
    changelog.added.length === now.size
  ) {
    // A family new to this output folder reads as a first build.
    return { ...changelog, previousBuild: undefined }
  }
  return changelog
}

/** Hash of the indicator as the package shows it: its row of `indicators.csv`. */
function fingerprint(indicator: Indicator): string {
  const row = renderIndicatorsCsv([indicator]).split('\n')[1]
  return createHash('sha256').update(row).digest('hex')
}

function familyFiles(
  files: ReadonlyMap<string, string>,
  slug: string,
): Map<string, string> {
  const prefix = `${slug}/`
  return new Map(
    [...files]
      .filter(([relative]) => relative.startsWith(prefix))
      .map(([relative, text]) => [relative.slice(prefix.length), text]),
  )
}

function appendToReadme(
  files: Map<string, string>,
  slug: string,
  section: string,
): void {
  const readme = `${slug}/README.md`
  const text = files.get(readme)
  if (text === undefined) return
  files.set(readme, `${text}\n${section}\n`)
}

async function recordBuild(
  store: StateStore,
  build: {
    buildId: number
    built: string
    outDir: string
    plans: readonly FamilyPlan[]
    previousFamilies: ReadonlyMap<string, BuildFamilyRecord>
    lastRun: number | undefined
  },
): Promise<void> {
  const { plans } = build
  await store.transaction(async () => {
    await store.insertBuild(
      {
        id: build.buildId,
        built: build.built,
        outDir: build.outDir,
        lastRun: build.lastRun,
        counts: {
          families: plans.length,
          rewritten: plans.filter((plan) => !plan.keep).length,
          indicators: plans.reduce(
            (sum, plan) => sum + plan.indicators.length,
            0,
          ),
        },
      },
      plans.map((plan) => ({
        family: plan.name,
        slug: plan.slug,
        contentHash: plan.contentHash,
        filesHash: plan.filesHash,
        changedBuild: plan.keep
          ? (build.previousFamilies.get(plan.name)?.changedBuild ??
            build.buildId)
          : build.buildId,
      })),
      plans.flatMap((plan) => plan.indicators),
    )
  })
}
