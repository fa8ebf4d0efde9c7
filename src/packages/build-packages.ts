import type { Allowlist } from '../allowlist/allowlist.ts'
import type { Indicator, IngestResult } from '../indicators/indicator.ts'
import {
  partitionAllowlisted,
  type SuppressedIndicator,
} from './allowlisted-indicators.ts'
import type { KqlDiagnostic } from '../validation/kql-validator.ts'
import {
  groupIndicatorsByFamily,
  type FamilyIndicators,
} from './family-indicators.ts'
import { queryFileText, type FamilyPackage } from './family-package.ts'
import { buildPackageIndex, type PackageIndex } from './package-index.ts'
import type { Hunt } from '../hunts/hunt.ts'
import type { FamilyDeployContent } from '../deploy/family-deploy.ts'
import { renderPackageTree } from './package-tree.ts'
import { countNoun } from './readme-text.ts'

/** One diagnostic of one hunting query, with where the query would be written. */
export interface QueryProblem {
  family: string
  /** Path of the `.kql` file relative to the output folder. */
  file: string
  diagnostic: KqlDiagnostic
  /** The query text the diagnostic points at, quoted, or where it is missing. */
  excerpt: string
}

// Maximum length of the query excerpt an error message quotes.
const MAX_EXCERPT = 60

/**
 * Returns the text a diagnostic points at as a JSON string, so control
 * characters stay visible. A zero-length diagnostic marks a missing part,
 * so the text that follows it on the same line is quoted instead.
 */
function excerptAt(query: string, diagnostic: KqlDiagnostic): string {
  const quote = (text: string) =>
    JSON.stringify(
      text.length > MAX_EXCERPT ? `${text.slice(0, MAX_EXCERPT - 3)}...` : text,
    )
  const { start, length } = diagnostic
  if (length > 0) return quote(query.slice(start, start + length))

  const next = query
    .slice(start)
    .split(/\r\n|[\n\r]/, 1)[0]!
    .trim()
  return next ? `before ${quote(next.slice(0, 20))}` : 'at end of line'
}

/**
 * Returns whether a diagnostic fails the build. Errors do, and so do
 * warnings, because in a generated query each binder warning means it reads
 * a source other than the intended one. Suggestions do not.
 */
export function failsBuild(diagnostic: KqlDiagnostic): boolean {
  return diagnostic.severity !== 'suggestion'
}

/** Writes a problem as `file:line:column: severity: message [excerpt] (family name)`. */
export function formatQueryProblem(problem: QueryProblem): string {
  const { line, column, severity, message } = problem.diagnostic
  return (
    `${problem.file}:${line}:${column}: ${severity}: ${message} ` +
    `[${problem.excerpt}] (family ${problem.family})`
  )
}

/** Raised when the KQL parser finds an error or warning in any hunting query of a build. */
export class QueryValidationError extends Error {
  constructor(readonly problems: readonly QueryProblem[]) {
    const files = new Set(problems.map((p) => p.file)).size
    super(
      `the KQL parser found ${countNoun(problems.length, 'problem', 'problems')} in ` +
        `${countNoun(files, 'hunting query', 'hunting queries')}, so no package was written:\n` +
        problems.map((p) => `  ${formatQueryProblem(p)}`).join('\n') +
        '\nCorrect the hunt definition or renderer that produced the query.',
    )
    this.name = 'QueryValidationError'
  }
}

/** The stages a build runs after ingest; tests replace them. */
export interface PackageBuildStages {
  /** Builds the hunting queries of one family. */
  buildFamilyHunts: (family: FamilyIndicators) => Hunt[]
  /** Parses one query and returns its diagnostics; see {@link failsBuild}. */
  validateQuery: (text: string) => readonly KqlDiagnostic[]
  /**
   * Builds a family's analytics rules, watchlist, ARM template and Defender
   * XDR detections from its checked hunts; the build skips it when undefined.
   */
  buildDeployContent?: (family: FamilyPackage) => FamilyDeployContent
  /** Called after each family's hunts are built and after each query is checked. */
  onProgress?: (
    stage: 'hunts' | 'validation' | 'deploy',
    done: number,
    total: number,
  ) => void
}

export interface PackageBuildOptions {
  /** Input file names as `index.json` should list them. */
  inputs: readonly string[]
  /** How far back the queries search, as given to the hunts, for example `14d`. */
  lookback: string
  /**
   * Entries whose indicators are left out of the hunts and listed with the
   * reason in `index.json` and the family README. None when undefined.
   */
  allowlist?: Allowlist
}

/** Everything one build writes, rendered in memory. */
export interface PackageBuild {
  families: FamilyPackage[]
  index: PackageIndex
  /** Paths relative to the output folder, with `/` separators, mapped to contents. */
  files: Map<string, string>
  /** Diagnostics that do not fail the build (suggestions). */
  suggestions: QueryProblem[]
  /** Indicators the allow-list left out, in ingest order. */
  suppressed: SuppressedIndicator[]
}

// Lets a progress bar redraw between synchronous steps.
const yieldToEventLoop = () =>
  new Promise<void>((resolve) => setImmediate(resolve))

async function buildFamilies(
  indicators: readonly Indicator[],
  suppressed: readonly SuppressedIndicator[],
  stages: PackageBuildStages,
): Promise<FamilyPackage[]> {
  const groups = groupIndicatorsByFamily(indicators)
  const families: FamilyPackage[] = []
  for (const group of groups) {
    const notHunted = suppressed.filter(
      (s) => s.indicator.family === group.name,
    )
    const hunts = stages.buildFamilyHunts(group)
    families.push({ ...group, hunts, notHunted })
    stages.onProgress?.('hunts', families.length, groups.length)
    await yieldToEventLoop()
  }
  return families
}

async function buildDeployContent(
  families: FamilyPackage[],
  stages: PackageBuildStages,
): Promise<void> {
  if (stages.buildDeployContent === undefined) return
  for (const [done, family] of families.entries()) {
    family.deploy = stages.buildDeployContent(family)
    stages.onProgress?.('deploy', done + 1, families.length)
    await yieldToEventLoop()
  }
}

async function checkQueries(
  families: readonly FamilyPackage[],
  stages: PackageBuildStages,
): Promise<QueryProblem[]> {
  const total = families.reduce((sum, f) => sum + f.hunts.length, 0)
  const problems: QueryProblem[] = []
  let done = 0
  for (const family of families) {
    for (const hunt of family.hunts) {
      const text = queryFileText(hunt)
      const file = `${family.slug}/${hunt.fileName}`
      for (const diagnostic of stages.validateQuery(text)) {
        const excerpt = excerptAt(text, diagnostic)
        problems.push({ family: family.name, file, diagnostic, excerpt })
      }
      done += 1
      stages.onProgress?.('validation', done, total)
      await yieldToEventLoop()
    }
  }
  return problems
}

/**
 * Leaves out the indicators `options.allowlist` covers, groups the rest by
 * family, builds each family's hunts,
 * checks every query with `stages.validateQuery`, builds the deployable
 * content with `stages.buildDeployContent` when given, and renders the whole
 * output tree in memory. Nothing is written to disk here.
 *
 * @throws QueryValidationError listing every error and warning (family,
 *   file, line, column, message, offending text) when any query has one.
 * @throws PackageTreeError when hunts' file names clash or are not plain names.
 */
export async function buildPackages(
  ingest: IngestResult,
  options: PackageBuildOptions,
  stages: PackageBuildStages,
): Promise<PackageBuild> {
  const { hunted, suppressed } = options.allowlist
    ? partitionAllowlisted(ingest.indicators, options.allowlist)
    : { hunted: ingest.indicators, suppressed: [] }
  const families = await buildFamilies(hunted, suppressed, stages)
  const problems = await checkQueries(families, stages)
  const failing = problems.filter((p) => failsBuild(p.diagnostic))
  if (failing.length > 0) throw new QueryValidationError(failing)
  await buildDeployContent(families, stages)

  const index = buildPackageIndex(
    options.inputs,
    ingest.totals,
    ingest.rejected,
    suppressed,
    families,
  )
  return {
    families,
    index,
    files: renderPackageTree(families, index, options.lookback),
    suggestions: problems.filter((p) => !failsBuild(p.diagnostic)),
    suppressed,
  }
}
