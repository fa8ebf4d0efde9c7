import { z } from 'zod'
import {
  ATTACK_TACTICS,
  TECHNIQUE_TACTICS,
  type AttackTactic,
} from './attack-mapping.ts'
import { ENTITY_IDENTIFIERS, ENTITY_TYPES } from './entity-identifiers.ts'
import {
  MINUTES_PER_DAY,
  MINUTES_PER_HOUR,
  parseRuleDuration,
} from './rule-duration.ts'
import { SEVERITIES } from './rule-severity.ts'

/*
 * The limits below are those Microsoft Sentinel and the Azure-Sentinel
 * content repository enforce on scheduled analytics rules:
 * - "The query length should be between 1 and 10,000 characters and cannot
 *   contain `search *` or `union *`" (Microsoft Learn, "Create a scheduled
 *   analytics rule", best practices for analytics rule queries).
 * - name at most 256 characters, description at most 5,000, queryFrequency
 *   and queryPeriod from 5 minutes to 14 days, queryPeriod >= queryFrequency,
 *   queryFrequency >= 1 hour when queryPeriod is 2 days or more,
 *   triggerThreshold 0-10,000, 1-5 entity mappings of 1-3 identifiers each,
 *   at most 20 custom details with keys up to 20 characters, version X.Y.Z,
 *   and every technique's tactics listed in `tactics`
 *   (.script/tests/detectionTemplateSchemaValidation in Azure/Azure-Sentinel:
 *   AnalyticsTemplateInternalModelBase.cs, ScheduledTemplateInternalModel.cs,
 *   QueryBasedTemplateInternalModel.cs, ValidEntityMappingsAttribute.cs,
 *   PeriodGreaterThanOrEqualFrequencyAttribute.cs,
 *   FrequencyLimitationForLongPeriodQuery.cs,
 *   NoTechniquesWithoutMatchingTactics.cs, QueryBasedTemplateVersionValidator.cs).
 */

export const MAX_RULE_QUERY_LENGTH = 10_000
export const MAX_RULE_NAME_LENGTH = 256
export const MAX_RULE_DESCRIPTION_LENGTH = 5_000
export const MIN_RULE_DURATION_MINUTES = 5
export const MAX_RULE_DURATION_MINUTES = 14 * MINUTES_PER_DAY
export const MAX_ENTITY_MAPPINGS = 5
export const MAX_FIELD_MAPPINGS = 3
export const MAX_CUSTOM_DETAILS = 20
export const MAX_CUSTOM_DETAIL_KEY_LENGTH = 20

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const TECHNIQUE = /^T\d{4}(\.\d{3})?$/
const VERSION = /^\d+\.\d+\.\d+$/
// Log Analytics column names: a letter or underscore, then word characters.
const COLUMN_NAME = /^[a-zA-Z_]\w*$/
const CUSTOM_DETAIL_KEY = /^[a-zA-Z]\w*$/
const SHORT_DURATION = /^\d+[mhd]$/

// `search *` and `union *`, also with union parameters before the star.
const SEARCH_STAR = /\bsearch\s+\*/i
const UNION_STAR = /\bunion\s+(?:(?:kind|isfuzzy|withsource)\s*=\s*\S+\s+)*\*/i

/**
 * Returns why a rule query's time filter does not cover exactly the rule's
 * query period, or undefined when it does. The query must call `ago()` with
 * the period, directly (`ago(1h)`) or through a `let` (`let lookback = 1h;`
 * and `ago(lookback)`), and no `ago()` of another length.
 */
export function timeFilterProblem(
  query: string,
  period: string,
): string | undefined {
  const lets = new Map<string, string>()
  for (const match of query.matchAll(/\blet\s+(\w+)\s*=\s*(\d+[smhd])\s*;/g)) {
    lets.set(match[1]!, match[2]!)
  }
  const spans = [...query.matchAll(/\bago\(\s*(\w+)\s*\)/g)].map(
    (match) => lets.get(match[1]!) ?? match[1]!,
  )
  if (spans.length === 0)
    return `the query has no ago() time filter; filter on the query period ${period}`
  const other = spans.find((span) => span !== period)
  if (other !== undefined) {
    return `the query filters on ago(${other}) but the query period is ${period}; use the same span`
  }
  return undefined
}

/** Returns why a rule query breaks a platform limit, or undefined when it keeps them all. */
export function ruleQueryProblem(query: string): string | undefined {
  if (query.length === 0) return 'the query is empty'
  if (query.length > MAX_RULE_QUERY_LENGTH) {
    return `the query has ${query.length} characters; the limit is ${MAX_RULE_QUERY_LENGTH}`
  }
  if (SEARCH_STAR.test(query)) return 'the query uses `search *`'
  if (UNION_STAR.test(query)) return 'the query uses `union *`'
  return undefined
}

const ruleDuration = z
  .string()
  .regex(
    SHORT_DURATION,
    'write the duration as <number><m|h|d>, for example 1h',
  )
  .refine(
    (text) => {
      const minutes = minutesOrUndefined(text)
      return (
        minutes !== undefined &&
        minutes >= MIN_RULE_DURATION_MINUTES &&
        minutes <= MAX_RULE_DURATION_MINUTES
      )
    },
    { message: 'the duration must be from 5 minutes to 14 days' },
  )

function minutesOrUndefined(text: string): number | undefined {
  if (!SHORT_DURATION.test(text)) return undefined
  try {
    return parseRuleDuration(text)
  } catch {
    return undefined
  }
}

const fieldMappingSchema = z.strictObject({
  identifier: z.string().min(1),
  columnName: z
    .string()
    .max(500)
    .regex(
      COLUMN_NAME,
      'a column name starts with a letter or underscore and has only [A-Za-z0-9_]',
    ),
})

const entityMappingSchema = z
  .strictObject({
    entityType: z.enum(ENTITY_TYPES as [string, ...string[]]),
    fieldMappings: z.array(fieldMappingSchema).min(1).max(MAX_FIELD_MAPPINGS),
  })
  .superRefine((mapping, context) => {
    const known =
      ENTITY_IDENTIFIERS[mapping.entityType as keyof typeof ENTITY_IDENTIFIERS]
    const used = new Set<string>()
    mapping.fieldMappings.forEach((field, index) => {
      if (
        !(known.identifiers as readonly string[]).includes(field.identifier)
      ) {
        context.addIssue({
          code: 'custom',
          path: ['fieldMappings', index, 'identifier'],
          message: `${mapping.entityType} has no identifier ${field.identifier}; use one of ${known.identifiers.join(', ')}`,
        })
      }
      if (used.has(field.identifier)) {
        context.addIssue({
          code: 'custom',
          path: ['fieldMappings', index, 'identifier'],
          message: `identifier ${field.identifier} is mapped twice`,
        })
      }
      used.add(field.identifier)
    })
    const complete = known.required.some((set) =>
      set.every((id) => used.has(id)),
    )
    if (!complete) {
      context.addIssue({
        code: 'custom',
        path: ['fieldMappings'],
        message: `${mapping.entityType} needs one of these identifier sets: ${known.required.map((set) => set.join(' + ')).join('; ')}`,
      })
    }
  })

const customDetailsSchema = z
  .record(
    z
      .string()
      .max(MAX_CUSTOM_DETAIL_KEY_LENGTH)
      .regex(
        CUSTOM_DETAIL_KEY,
        'a custom detail key starts with a letter and has only [A-Za-z0-9_]',
      ),
    z
      .string()
      .max(500)
      .regex(COLUMN_NAME, 'a custom detail value is a column name'),
  )
  .refine((details) => Object.keys(details).length <= MAX_CUSTOM_DETAILS, {
    message: `at most ${MAX_CUSTOM_DETAILS} custom details`,
  })

/**
 * A scheduled analytics rule in the YAML format of the Azure-Sentinel
 * content repository (Detections/*.yaml), with every limit the platform and
 * the repository's validation enforce. `parse` raises a ZodError that lists
 * each broken rule with its path.
 */
export const scheduledRuleSchema = z
  .strictObject({
    id: z.string().regex(GUID, 'the id must be a lower-case GUID'),
    name: z.string().min(1).max(MAX_RULE_NAME_LENGTH),
    description: z.string().min(1).max(MAX_RULE_DESCRIPTION_LENGTH),
    severity: z.enum(SEVERITIES),
    requiredDataConnectors: z
      .array(
        z.strictObject({
          connectorId: z.string().min(1),
          dataTypes: z.array(z.string().min(1)).min(1),
        }),
      )
      .min(1),
    queryFrequency: ruleDuration,
    queryPeriod: ruleDuration,
    triggerOperator: z.enum(['gt', 'lt', 'eq', 'ne']),
    triggerThreshold: z.number().int().min(0).max(10_000),
    tactics: z.array(z.enum(ATTACK_TACTICS)),
    relevantTechniques: z.array(
      z
        .string()
        .regex(TECHNIQUE, 'a technique id looks like T1071 or T1204.002'),
    ),
    query: z.string().superRefine((query, context) => {
      const problem = ruleQueryProblem(query)
      if (problem) context.addIssue({ code: 'custom', message: problem })
    }),
    entityMappings: z
      .array(entityMappingSchema)
      .min(1)
      .max(MAX_ENTITY_MAPPINGS),
    customDetails: customDetailsSchema.optional(),
    version: z
      .string()
      .max(20)
      .regex(VERSION, 'the version must be X.Y.Z, all numbers'),
    kind: z.literal('Scheduled'),
  })
  .superRefine((rule, context) => {
    checkSchedule(rule.queryFrequency, rule.queryPeriod, context)
    checkTechniqueTactics(rule.relevantTechniques, rule.tactics, context)
    const timeProblem = timeFilterProblem(rule.query, rule.queryPeriod)
    if (timeProblem)
      context.addIssue({
        code: 'custom',
        path: ['query'],
        message: timeProblem,
      })
  })

export type ScheduledRule = z.infer<typeof scheduledRuleSchema>

function checkSchedule(
  frequencyText: string,
  periodText: string,
  context: z.RefinementCtx,
): void {
  const frequency = minutesOrUndefined(frequencyText)
  const period = minutesOrUndefined(periodText)
  if (frequency === undefined || period === undefined) return
  if (period < frequency) {
    context.addIssue({
      code: 'custom',
      path: ['queryPeriod'],
      message: `queryPeriod ${periodText} is shorter than queryFrequency ${frequencyText}`,
    })
  }
  if (period >= 2 * MINUTES_PER_DAY && frequency < MINUTES_PER_HOUR) {
    context.addIssue({
      code: 'custom',
      path: ['queryFrequency'],
      message: `queryFrequency ${frequencyText} must be at least 1h when queryPeriod is 2 days or more`,
    })
  }
}

function checkTechniqueTactics(
  techniques: readonly string[],
  tactics: readonly AttackTactic[],
  context: z.RefinementCtx,
): void {
  techniques.forEach((technique, index) => {
    const parent = technique.split('.')[0]!
    const needed = TECHNIQUE_TACTICS[parent]
    if (!needed) {
      context.addIssue({
        code: 'custom',
        path: ['relevantTechniques', index],
        message: `technique ${technique} has no known tactics; add it to TECHNIQUE_TACTICS`,
      })
      return
    }
    const missing = needed.filter((tactic) => !tactics.includes(tactic))
    if (missing.length > 0) {
      context.addIssue({
        code: 'custom',
        path: ['tactics'],
        message: `technique ${technique} needs tactic ${missing.join(', ')}`,
      })
    }
  })
}
