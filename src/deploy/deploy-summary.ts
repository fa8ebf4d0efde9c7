import type { Observable } from '../hunts/observable.ts'
import { markdownCodeSpan } from '../packages/markdown.ts'
import { countNoun, formatCount } from '../packages/readme-text.ts'
import {
  ARM_TEMPLATE_FILE,
  DEFENDER_FOLDER,
  SENTINEL_FOLDER,
  WATCHLIST_CHUNK_THRESHOLD,
  type FamilyDeployContent,
} from './family-deploy.ts'
import { MAX_RULE_QUERY_LENGTH } from './scheduled-rule-schema.ts'
import { WATCHLIST_SEARCH_KEY } from './watchlist.ts'

/** One hunting query's chunks in `index.json`. */
export interface ChunkIndexEntry {
  /** The hunting query file, relative to the output folder. */
  query: string
  table: string
  observable: Observable
  indicators: number
  /** Number of inline analytics rules written for the query. */
  ruleChunks: number
  /** Chunk numbers run from 1 to this; an empty bucket has no rule. */
  bucketCount: number
  /** Indicator keys no rule holds, because a query with one of them alone is too long. */
  oversized: string[]
}

/** One analytics rule file in `index.json`. */
export interface RuleIndexEntry {
  file: string
  id: string
  table: string
  observable: Observable
  variant: 'inline' | 'watchlist'
  part?: number
  parts?: number
  indicators: number
  /** Length of the rule query in UTF-16 code units. */
  characters: number
  severity: string
}

/** The `deploy` entry of a family in `index.json`. */
export interface DeployIndexEntry {
  /** The rule variant the README recommends and the ARM template deploys. */
  recommended: 'inline' | 'watchlist'
  armTemplate: string
  queryFrequency: string
  queryPeriod: string
  chunks: ChunkIndexEntry[]
  analyticsRules: RuleIndexEntry[]
  watchlist: {
    alias: string
    file: string
    searchKey: string
    rows: number
  } | null
  watchlistRules: RuleIndexEntry[]
  defenderQueries: {
    file: string
    table: string
    observable: Observable
    part: number
    parts: number
    indicators: number
  }[]
}

/** Returns the `index.json` entry of a family's deployable content; paths are relative to the output folder. */
export function deployIndexEntry(
  content: FamilyDeployContent,
): DeployIndexEntry {
  const at = (path: string) => `${content.familySlug}/${path}`
  const rules = [...content.inlineRules, ...content.watchlistRules]
  const first = rules[0]?.rule
  const ruleEntry = (file: (typeof rules)[number]): RuleIndexEntry => ({
    file: at(file.path),
    id: file.rule.id,
    table: file.table,
    observable: file.observable,
    variant: file.variant,
    ...(file.part === undefined ? {} : { part: file.part, parts: file.parts }),
    indicators: file.indicators,
    characters: file.rule.query.length,
    severity: file.rule.severity,
  })
  return {
    recommended: content.recommended,
    armTemplate: at(ARM_TEMPLATE_FILE),
    queryFrequency: first?.queryFrequency ?? '',
    queryPeriod: first?.queryPeriod ?? '',
    chunks: content.hunts.map((hunt) => ({
      query: at(hunt.huntFile),
      table: hunt.table,
      observable: hunt.observable,
      indicators: hunt.indicators,
      ruleChunks: hunt.ruleChunks,
      bucketCount: hunt.bucketCount,
      oversized: hunt.oversized.map((entry) => entry.key),
    })),
    analyticsRules: content.inlineRules.map(ruleEntry),
    watchlist: content.watchlist
      ? {
          alias: content.watchlist.alias,
          file: at(content.watchlist.path),
          searchKey: WATCHLIST_SEARCH_KEY,
          rows: content.watchlist.rows,
        }
      : null,
    watchlistRules: content.watchlistRules.map(ruleEntry),
    defenderQueries: content.defenderQueries.map((file) => ({
      file: at(file.path),
      table: file.table,
      observable: file.observable,
      part: file.part,
      parts: file.parts,
      indicators: file.indicators,
    })),
  }
}

const code = (text: string) => markdownCodeSpan(text, 'text')

/** Heading of the README section {@link renderDeploySection} writes. */
export const DEPLOY_SECTION_TITLE = 'Analytics rules and detections'

/**
 * Renders the README section about a family's analytics rules, watchlist,
 * ARM template and Defender XDR detections, with the number of chunks of
 * each hunting query and which rule variant to deploy.
 */
export function renderDeploySection(content: FamilyDeployContent): string {
  const first = content.inlineRules[0]?.rule ?? content.watchlistRules[0]?.rule
  const rows = content.hunts.map((hunt) => {
    const defender =
      hunt.defenderFiles.length === 0
        ? '-'
        : formatCount(hunt.defenderFiles.length)
    return `| ${markdownCodeSpan(hunt.huntFile)} | ${formatCount(hunt.indicators)} | ${formatCount(hunt.ruleChunks)} | ${hunt.watchlistRuleFile ? markdownCodeSpan(hunt.watchlistRuleFile) : '-'} | ${defender} |`
  })
  const oversized = content.hunts.flatMap((hunt) => hunt.oversized)
  const sections = [
    `## ${DEPLOY_SECTION_TITLE}`,
    [
      `${code(`${SENTINEL_FOLDER}/analytics-rules/`)} holds ${countNoun(content.inlineRules.length, 'scheduled analytics rule', 'scheduled analytics rules')} in the YAML format of the Azure-Sentinel repository.`,
      first
        ? `Each runs every ${first.queryFrequency} over the last ${first.queryPeriod} and raises an alert for any matching event.`
        : '',
      `Sentinel limits a rule query to ${formatCount(MAX_RULE_QUERY_LENGTH)} characters, so each hunting query's indicators are split into chunks, one rule per chunk.`,
      'An indicator stays in the same chunk across builds while the feed changes little, and each rule keeps the same id, so redeploying updates rules in place.',
    ]
      .filter((sentence) => sentence !== '')
      .join(' '),
    [
      '| Hunting query | Indicators | Rule chunks | Watchlist rule | Defender XDR queries |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
    whichToUse(content),
    [
      `${code(`${DEFENDER_FOLDER}/`)} holds Microsoft Defender XDR custom detection queries for the Device tables.`,
      "Each returns Timestamp, DeviceId and ReportId, as custom detections require, and has no time filter, because Defender XDR limits each run to the rule frequency's lookback.",
      'Paste a query into Advanced hunting and choose Create detection rule.',
    ].join(' '),
    [
      "Severity is the highest severity among a rule's indicators: threat types botnet_cc, payload_delivery and payload are High from confidence 90, Medium from 75 and Low from 50; other threat types are Medium from 90 and Low from 50; confidence below 50 is Informational.",
      'Tactics and techniques come from the threat types: botnet_cc is CommandAndControl (T1071), payload_delivery is Execution and CommandAndControl (T1204, T1105), payload is Execution (T1204), cc_skimming is Collection and CredentialAccess (T1056).',
    ].join(' '),
  ]
  if (oversized.length > 0) {
    sections.push(
      [
        `${countNoun(oversized.length, 'indicator is', 'indicators are')} in no analytics rule, because a rule query with only that indicator is longer than ${formatCount(MAX_RULE_QUERY_LENGTH)} characters; the hunting queries still search for them:`,
        '',
        ...oversized.map(
          (entry) =>
            `- ${markdownCodeSpan(entry.key, 'text')} (${entry.table}, IOC ${entry.recordIds.map((id) => markdownCodeSpan(id, 'text')).join(', ')}): ${formatCount(entry.queryLength)} characters`,
        ),
      ].join('\n'),
    )
  }
  return sections.join('\n\n')
}

function whichToUse(content: FamilyDeployContent): string {
  if (content.recommended === 'inline' || !content.watchlist) {
    return [
      `Deploy the rules with the ARM template ${code(ARM_TEMPLATE_FILE)}, which also adds the hunting queries to the Hunting page;`,
      'its parameters are `workspace` (the Log Analytics workspace name) and `rulesEnabled`.',
    ].join(' ')
  }
  const alias = content.watchlist.alias
  return [
    `**Use the watchlist rules.** At least one hunting query needs more than ${WATCHLIST_CHUNK_THRESHOLD} rules, so huntpack also wrote the watchlist ${code(alias)} (${code(content.watchlist.path)}, search key column ${code(WATCHLIST_SEARCH_KEY)}, ${formatCount(content.watchlist.rows)} rows) and one rule per hunting query in ${code(`${SENTINEL_FOLDER}/watchlist/`)} that reads it with ${code(`_GetWatchlist('${alias}')`)}.`,
    `The ARM template ${code(ARM_TEMPLATE_FILE)} deploys the watchlist, those rules and the hunting queries; its parameters are \`workspace\` and \`rulesEnabled\`.`,
    'To update the indicators, delete the watchlist and deploy the template again; the rules stay as they are.',
    `Deploy the inline rules of ${code(`${SENTINEL_FOLDER}/analytics-rules/`)} instead only where watchlists cannot be managed, and never both, or each match raises two alerts.`,
  ].join(' ')
}
