import YAML from 'yaml'
import { ZodError } from 'zod'

import type { Indicator } from '../indicators/indicator.ts'
import { attackMappingFor } from './attack-mapping.ts'
import type { EntityMapping } from './entity-identifiers.ts'
import { requiredDataConnectorsFor } from './required-data-connectors.ts'
import { formatShortDuration } from './rule-duration.ts'
import { ruleSeverity } from './rule-severity.ts'
import {
  MAX_RULE_DESCRIPTION_LENGTH,
  MAX_RULE_NAME_LENGTH,
  scheduledRuleSchema,
  type ScheduledRule,
} from './scheduled-rule-schema.ts'

/** How often a rule runs and how far back each run reads, in minutes. */
export interface RuleSchedule {
  frequencyMinutes: number
  periodMinutes: number
}

/**
 * Runs every hour over the last hour, so each event is read once. Matching
 * a fixed indicator list needs no longer window.
 */
export const DEFAULT_RULE_SCHEDULE: RuleSchedule = {
  frequencyMinutes: 60,
  periodMinutes: 60,
}

/**
 * Template version of every generated rule. The ids stay the same across
 * runs, and Sentinel updates a rule in place whatever the version.
 */
export const RULE_VERSION = '1.0.0'

/** Everything one scheduled rule is built from. */
export interface ScheduledRuleInput {
  id: string
  name: string
  description: string
  /** Table or ASIM parser name, for the required data connectors. */
  table: string
  /** Indicators the rule matches, for its severity, tactics and techniques. */
  indicators: readonly Indicator[]
  /** Complete KQL text; its time filter must equal the schedule's period. */
  query: string
  entityMappings: EntityMapping[]
  customDetails: Record<string, string>
  schedule: RuleSchedule
}

/** Raised when a generated rule breaks a platform limit. */
export class RuleValidationError extends Error {
  constructor(
    readonly ruleName: string,
    readonly issues: readonly string[],
  ) {
    super(
      `analytics rule ${JSON.stringify(ruleName)} breaks Sentinel's limits:\n` +
        issues.map((issue) => `  ${issue}`).join('\n'),
    )
    this.name = 'RuleValidationError'
  }
}

/** Cuts `text` to at most `max` characters, ending in `…` when cut. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text
  return `${text.slice(0, max - 1)}…`
}

/**
 * Builds a scheduled analytics rule in the Azure-Sentinel repository format
 * and checks it against {@link scheduledRuleSchema}. The name and the
 * description are cut to their limits. Severity is the highest of the
 * indicators' severities; tactics and techniques come from their threat
 * types. The rule fires when the query returns any row (`gt 0`).
 *
 * @throws RuleValidationError listing every broken limit.
 */
export function buildScheduledRule(input: ScheduledRuleInput): ScheduledRule {
  const attack = attackMappingFor(
    input.indicators.map((indicator) => indicator.threatType),
  )
  const rule: ScheduledRule = {
    id: input.id,
    name: truncateText(input.name, MAX_RULE_NAME_LENGTH),
    description: truncateText(input.description, MAX_RULE_DESCRIPTION_LENGTH),
    severity: ruleSeverity(input.indicators),
    requiredDataConnectors: requiredDataConnectorsFor(input.table),
    queryFrequency: formatShortDuration(input.schedule.frequencyMinutes),
    queryPeriod: formatShortDuration(input.schedule.periodMinutes),
    triggerOperator: 'gt',
    triggerThreshold: 0,
    tactics: attack.tactics,
    relevantTechniques: attack.techniques,
    query: input.query,
    entityMappings: input.entityMappings,
    customDetails: input.customDetails,
    version: RULE_VERSION,
    kind: 'Scheduled',
  }
  return checkedRule(rule)
}

/**
 * Checks a rule against {@link scheduledRuleSchema} and returns it.
 *
 * @throws RuleValidationError listing every broken limit.
 */
export function checkedRule(rule: ScheduledRule): ScheduledRule {
  try {
    return scheduledRuleSchema.parse(rule)
  } catch (error) {
    if (!(error instanceof ZodError)) throw error
    const issues = error.issues.map(
      (issue) => `${issue.path.join('.') || '(rule)'}: ${issue.message}`,
    )
    throw new RuleValidationError(rule.name, issues)
  }
}

/**
 * Writes a rule as Azure-Sentinel repository YAML: keys in the order the
 * repository's Detections use, multi-line text as literal blocks, no line
 * folding, so that parsing the text gives back the same rule.
 */
export function scheduledRuleYaml(rule: ScheduledRule): string {
  return YAML.stringify(rule, { blockQuote: 'literal', lineWidth: 0 })
}
