import type { Hunt, HuntOptions, HuntSpec } from '../hunts/hunt.ts'
import type { Observable } from '../hunts/observable.ts'
import type { TableProfile } from '../hunts/table-profile.ts'
import { findTableProfile } from '../hunts/table-profiles.ts'
import type { Indicator } from '../indicators/indicator.ts'
import { kqlString } from '../targets/kql/kql-literal.ts'
import { renderHunt } from '../targets/kql/hunt-renderer.ts'
import { attackMappingFor } from './attack-mapping.ts'
import {
  alertRuleResource,
  armTemplate,
  armTemplateJson,
  savedSearchResource,
  watchlistResource,
  watchlistResourceId,
  type ArmResource,
  type ArmTemplate,
} from './arm-template.ts'
import {
  defenderDetectionText,
  hasDefenderDetection,
} from './defender-detection.ts'
import { UnknownTableError } from './required-data-connectors.ts'
import { formatShortDuration } from './rule-duration.ts'
import { ruleEntities, type RuleEntities } from './rule-entities.ts'
import { ruleId } from './rule-id.ts'
import { ruleQueryText } from './rule-query.ts'
import {
  MAX_RULE_QUERY_LENGTH,
  type ScheduledRule,
} from './scheduled-rule-schema.ts'
import {
  buildScheduledRule,
  DEFAULT_RULE_SCHEDULE,
  scheduledRuleYaml,
  type RuleSchedule,
} from './scheduled-rule.ts'
import {
  splitIntoStableChunks,
  type StableChunkResult,
} from './stable-chunks.ts'
import {
  WATCHLIST_SEARCH_KEY,
  watchlistAlias,
  watchlistCsv,
  watchlistQueryText,
  watchlistRows,
} from './watchlist.ts'

/**
 * A family gets the watchlist variant when any of its hunts needs more than
 * this many inline rules. Three rules per table and observable is still
 * easy to review; beyond that one watchlist rule per hunt replaces many.
 */
export const WATCHLIST_CHUNK_THRESHOLD = 3

/** Folder of Sentinel content inside a family folder. */
export const SENTINEL_FOLDER = 'sentinel'
/** Folder of Defender XDR custom detection queries inside a family folder. */
export const DEFENDER_FOLDER = 'defender'
/** The family's ARM template, relative to the family folder. */
export const ARM_TEMPLATE_FILE = `${SENTINEL_FOLDER}/azuredeploy.json`

/** The parts of one family that the deploy stage reads. */
export interface DeployFamily {
  name: string
  /** Folder name of the family, for example `cobalt-strike`. */
  slug: string
  indicators: readonly Indicator[]
  /** The family's hunting queries as the build rendered them. */
  hunts: readonly Hunt[]
}

export interface FamilyDeployOptions {
  /** Schedule of every rule; default {@link DEFAULT_RULE_SCHEDULE}. */
  schedule?: RuleSchedule
  /** Default {@link WATCHLIST_CHUNK_THRESHOLD}. */
  watchlistChunkThreshold?: number
  /** Hunt options the build used, except the lookback, which rules set. */
  huntOptions?: Omit<HuntOptions, 'lookback'>
}

/** One generated scheduled rule and where it is written. */
export interface RuleFile {
  /** Path relative to the family folder. */
  path: string
  rule: ScheduledRule
  table: string
  observable: Observable
  variant: 'inline' | 'watchlist'
  /** Chunk number, 1-based, for inline rules. */
  part?: number
  /** Number of chunk buckets of the hunt, for inline rules. */
  parts?: number
  indicators: number
}

/** One Defender XDR custom detection query file. */
export interface DefenderQueryFile {
  path: string
  text: string
  table: string
  observable: Observable
  part: number
  parts: number
  indicators: number
}

/** An indicator that no rule can hold, because its query alone is too long. */
export interface OversizedIndicator {
  table: string
  observable: Observable
  key: string
  recordIds: string[]
  /** Length of a rule query with only this indicator. */
  queryLength: number
}

/** The rules and detections built from one hunting query. */
export interface HuntDeploySummary {
  /** The hunt's `.kql` file name. */
  huntFile: string
  table: string
  observable: Observable
  indicators: number
  /** Number of inline rules (non-empty chunks). */
  ruleChunks: number
  /** Number of chunk buckets; chunk numbers run from 1 to this. */
  bucketCount: number
  ruleFiles: string[]
  watchlistRuleFile?: string
  defenderFiles: string[]
  oversized: OversizedIndicator[]
}

/** Everything the deploy stage writes for one family. */
export interface FamilyDeployContent {
  familySlug: string
  /** The rule variant the README recommends and the ARM template deploys. */
  recommended: 'inline' | 'watchlist'
  inlineRules: RuleFile[]
  watchlistRules: RuleFile[]
  watchlist?: { alias: string; path: string; rows: number; bytes: number }
  defenderQueries: DefenderQueryFile[]
  hunts: HuntDeploySummary[]
  armTemplate: ArmTemplate
  /** Files relative to the family folder, with `/` separators, mapped to contents. */
  files: Map<string, string>
}

interface HuntContent {
  summary: HuntDeploySummary
  inlineRules: RuleFile[]
  defenderQueries: DefenderQueryFile[]
  entities: RuleEntities
  profile: TableProfile
  render: (subset: readonly Indicator[]) => Hunt
}

/**
 * Builds a family's deployable content from its hunts:
 * - scheduled analytics rules in Azure-Sentinel repository YAML, one per
 *   stable chunk of each hunt's indicators, each query at most 10,000
 *   characters;
 * - when any hunt needs more than the watchlist threshold of chunks, a
 *   watchlist CSV and one watchlist-reading rule per hunt;
 * - Defender XDR custom detection queries for Device* tables;
 * - an ARM template with the recommended rules and the hunting queries.
 *
 * @throws RuleValidationError when a rule breaks a Sentinel limit.
 * @throws QueryRewriteError when a hunt query does not have the shape the
 *   rule, watchlist or detection rewrite expects.
 * @throws WatchlistError when the watchlist is too large for Sentinel.
 * @throws ArmTemplateError when the template is too large for ARM.
 */
export function buildFamilyDeployContent(
  family: DeployFamily,
  options: FamilyDeployOptions = {},
): FamilyDeployContent {
  const schedule = options.schedule ?? DEFAULT_RULE_SCHEDULE
  const threshold = options.watchlistChunkThreshold ?? WATCHLIST_CHUNK_THRESHOLD
  const huntOptions = {
    ...options.huntOptions,
    lookback: formatShortDuration(schedule.periodMinutes),
  }

  const perHunt = family.hunts.map((hunt) =>
    huntContent(family, hunt, schedule, huntOptions),
  )
  const recommended = perHunt.some(
    (entry) => entry.summary.bucketCount > threshold,
  )
    ? 'watchlist'
    : 'inline'

  const files = new Map<string, string>()
  const inlineRules = perHunt.flatMap((entry) => entry.inlineRules)
  for (const file of inlineRules)
    files.set(file.path, scheduledRuleYaml(file.rule))
  const defenderQueries = perHunt.flatMap((entry) => entry.defenderQueries)
  for (const file of defenderQueries) files.set(file.path, `${file.text}\n`)

  let watchlist: FamilyDeployContent['watchlist']
  let watchlistRules: RuleFile[] = []
  let watchlistArm: ArmResource | undefined
  if (recommended === 'watchlist') {
    const built = watchlistContent(family, perHunt, schedule)
    watchlist = built.watchlist
    watchlistRules = built.rules
    watchlistArm = built.resource
    for (const [path, text] of built.files) files.set(path, text)
  }

  const template = familyArmTemplate(
    family,
    recommended,
    inlineRules,
    watchlistRules,
    watchlistArm,
  )
  files.set(
    ARM_TEMPLATE_FILE,
    armTemplateJson(template, `${family.slug}/${ARM_TEMPLATE_FILE}`),
  )

  return {
    familySlug: family.slug,
    recommended,
    inlineRules,
    watchlistRules,
    watchlist,
    defenderQueries,
    hunts: perHunt.map((entry) => entry.summary),
    armTemplate: template,
    files,
  }
}

function baseName(hunt: Hunt): string {
  return hunt.fileName.replace(/\.kql$/, '')
}

function partSuffix(part: number, parts: number): string {
  return parts > 1 ? `-part-${part}` : ''
}

// Feed-derived text goes into the header as KQL string literals, so that no
// character of a family name can end the comment line.
function ruleHeader(family: string, title: string): string[] {
  return [
    'Analytics rule generated by huntpack',
    `Family: ${kqlString(family)}`,
    `Hunt: ${kqlString(title)}`,
  ]
}

function huntContent(
  family: DeployFamily,
  hunt: Hunt,
  schedule: RuleSchedule,
  huntOptions: HuntOptions,
): HuntContent {
  const profile = findTableProfile(hunt.table)
  if (profile === undefined) throw new UnknownTableError(hunt.table)
  const spec: HuntSpec = {
    family: hunt.family,
    table: hunt.table,
    observable: hunt.observable,
  }
  const render = memoizedRender(spec, huntOptions)
  const entities = ruleEntities(render(hunt.indicators.slice(0, 1)), profile)
  const header = ruleHeader(family.name, hunt.title)

  const ruleChunks = splitIntoStableChunks(hunt.indicators, {
    key: (indicator) => indicator.key,
    render: (subset) =>
      ruleQueryText(render(subset).text, header, entities.stages),
    maxLength: MAX_RULE_QUERY_LENGTH,
  })
  const inlineRules = ruleChunks.chunks.map((chunk): RuleFile => {
    const chunkHunt = render(chunk.items)
    const parts = ruleChunks.bucketCount
    const rule = buildScheduledRule({
      id: ruleId({
        family: family.name,
        table: hunt.table,
        observable: hunt.observable,
        chunk: chunk.number,
        kind: 'scheduled',
      }),
      name: `huntpack - ${hunt.title}${parts > 1 ? ` (part ${chunk.number} of ${parts})` : ''}`,
      description: [
        chunkHunt.description,
        parts > 1
          ? `This rule is part ${chunk.number} of ${parts}: huntpack splits the ${hunt.indicators.length} indicators of this table and observable into stable parts so that each query stays under the 10,000-character limit of scheduled rules, and an indicator keeps its part across builds.`
          : '',
        SEVERITY_SENTENCE,
      ]
        .filter((sentence) => sentence !== '')
        .join(' '),
      table: hunt.table,
      indicators: chunk.items,
      query: chunk.text,
      entityMappings: entities.entityMappings,
      customDetails: entities.customDetails,
      schedule,
    })
    return {
      path: `${SENTINEL_FOLDER}/analytics-rules/${baseName(hunt)}${partSuffix(chunk.number, parts)}.yaml`,
      rule,
      table: hunt.table,
      observable: hunt.observable,
      variant: 'inline',
      part: chunk.number,
      parts,
      indicators: chunk.items.length,
    }
  })

  const defenderQueries = hasDefenderDetection(hunt)
    ? defenderFiles(family, hunt, render)
    : []
  return {
    summary: {
      huntFile: hunt.fileName,
      table: hunt.table,
      observable: hunt.observable,
      indicators: hunt.indicators.length,
      ruleChunks: ruleChunks.chunks.length,
      bucketCount: ruleChunks.bucketCount,
      ruleFiles: inlineRules.map((file) => file.path),
      defenderFiles: defenderQueries.map((file) => file.path),
      oversized: oversizedIndicators(hunt, ruleChunks),
    },
    inlineRules,
    defenderQueries,
    entities,
    profile,
    render,
  }
}

// The chunkers render the same subsets more than once (to size them, then
// to build each rule and detection), so renders are kept per subset.
function memoizedRender(
  spec: HuntSpec,
  huntOptions: HuntOptions,
): (subset: readonly Indicator[]) => Hunt {
  const cache = new Map<string, Hunt>()
  return (subset) => {
    const key = subset.map((indicator) => indicator.key).join('\n')
    let hunt = cache.get(key)
    if (hunt === undefined) {
      hunt = renderHunt(spec, subset, huntOptions)
      cache.set(key, hunt)
    }
    return hunt
  }
}

const SEVERITY_SENTENCE =
  "Severity is the highest severity of the rule's indicators, from their ThreatFox threat type and confidence."

function oversizedIndicators(
  hunt: Hunt,
  result: StableChunkResult<Indicator>,
): OversizedIndicator[] {
  return result.oversized.map(({ item, length }) => ({
    table: hunt.table,
    observable: hunt.observable,
    key: item.key,
    recordIds: item.origins.map((origin) => origin.recordId),
    queryLength: length,
  }))
}

function defenderFiles(
  family: DeployFamily,
  hunt: Hunt,
  render: (subset: readonly Indicator[]) => Hunt,
): DefenderQueryFile[] {
  const header = [
    'Microsoft Defender XDR custom detection query generated by huntpack',
    `Family: ${kqlString(family.name)}`,
    `Hunt: ${kqlString(hunt.title)}`,
  ]
  // NOTE: Defender XDR documents no query length limit for custom
  // detections. The 10,000-character budget of Sentinel rules is used, so
  // each query also works as a Sentinel rule in the unified portal.
  const chunks = splitIntoStableChunks(hunt.indicators, {
    key: (indicator) => indicator.key,
    render: (subset) => defenderDetectionText(render(subset), header),
    maxLength: MAX_RULE_QUERY_LENGTH,
  })
  return chunks.chunks.map((chunk) => ({
    path: `${DEFENDER_FOLDER}/${baseName(hunt)}${partSuffix(chunk.number, chunks.bucketCount)}.kql`,
    text: chunk.text,
    table: hunt.table,
    observable: hunt.observable,
    part: chunk.number,
    parts: chunks.bucketCount,
    indicators: chunk.items.length,
  }))
}

function watchlistContent(
  family: DeployFamily,
  perHunt: readonly HuntContent[],
  schedule: RuleSchedule,
): {
  watchlist: NonNullable<FamilyDeployContent['watchlist']>
  rules: RuleFile[]
  resource: ArmResource
  files: Map<string, string>
} {
  const alias = watchlistAlias(family.slug)
  const rows = watchlistRows(family.hunts, family.indicators)
  const csv = watchlistCsv(rows, alias)
  const csvPath = `${SENTINEL_FOLDER}/watchlist/${alias}.csv`
  const files = new Map<string, string>([[csvPath, csv]])

  const rules = family.hunts.map((hunt, index): RuleFile => {
    const { entities, profile, render } = perHunt[index]!
    const full = render(hunt.indicators)
    const query = ruleQueryText(
      watchlistQueryText(full, profile, alias),
      ruleHeader(family.name, `${hunt.title}, read from watchlist ${alias}`),
      entities.stages,
    )
    const rule = buildScheduledRule({
      id: ruleId({
        family: family.name,
        table: hunt.table,
        observable: hunt.observable,
        chunk: 0,
        kind: 'watchlist',
      }),
      name: `huntpack - ${hunt.title} (watchlist)`,
      description: [
        full.description,
        `This rule reads the indicators from the Sentinel watchlist ${alias} (file ${alias}.csv), so deploy the watchlist before the rule; without it the rule matches nothing.`,
        SEVERITY_SENTENCE,
      ].join(' '),
      table: hunt.table,
      indicators: hunt.indicators,
      query,
      entityMappings: entities.entityMappings,
      customDetails: entities.customDetails,
      schedule,
    })
    const base = `${SENTINEL_FOLDER}/watchlist/${baseName(hunt)}`
    files.set(`${base}.yaml`, scheduledRuleYaml(rule))
    files.set(`${base}.kql`, `${query}\n`)
    perHunt[index]!.summary.watchlistRuleFile = `${base}.yaml`
    return {
      path: `${base}.yaml`,
      rule,
      table: hunt.table,
      observable: hunt.observable,
      variant: 'watchlist',
      indicators: hunt.indicators.length,
    }
  })

  const resource = watchlistResource({
    alias,
    displayName: `huntpack ${family.name}`,
    description: `Indicator values of the ${family.name} hunting package, written by huntpack. ListName names the query list each value belongs to.`,
    searchKey: WATCHLIST_SEARCH_KEY,
    csv,
  })
  return {
    watchlist: {
      alias,
      path: csvPath,
      rows: rows.length,
      bytes: Buffer.byteLength(csv, 'utf8'),
    },
    rules,
    resource,
    files,
  }
}

function familyArmTemplate(
  family: DeployFamily,
  recommended: 'inline' | 'watchlist',
  inlineRules: readonly RuleFile[],
  watchlistRules: readonly RuleFile[],
  watchlistArm: ArmResource | undefined,
): ArmTemplate {
  const resources: ArmResource[] = []
  if (recommended === 'watchlist' && watchlistArm) {
    resources.push(watchlistArm)
    const dependsOn = [watchlistResourceId(watchlistAlias(family.slug))]
    for (const file of watchlistRules)
      resources.push(alertRuleResource(file.rule, dependsOn))
  } else {
    for (const file of inlineRules) resources.push(alertRuleResource(file.rule))
  }
  for (const hunt of family.hunts)
    resources.push(savedSearchResource(huntingQuery(family, hunt)))
  return armTemplate(resources)
}

/** Returns the saved-search form of a hunting query, with a stable GUID name. */
export function huntingQuery(family: DeployFamily, hunt: Hunt) {
  const attack = attackMappingFor(
    hunt.indicators.map((indicator) => indicator.threatType),
  )
  return {
    id: ruleId({
      family: family.name,
      table: hunt.table,
      observable: hunt.observable,
      chunk: 0,
      kind: 'hunting',
    }),
    displayName: `huntpack - ${hunt.title}`,
    description: hunt.description,
    query: hunt.text,
    tactics: attack.tactics,
    techniques: attack.techniques,
  }
}
