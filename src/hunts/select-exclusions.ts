import type { Indicator } from '../indicators/indicator.ts'
import {
  describeExclusionRole,
  EXCLUSION_RULES,
  type ExclusionCondition,
  type ExclusionOperator,
  type ExclusionRule,
} from './exclusions.ts'
import type { SkippedExclusion } from './hunt.ts'
import { HuntInputError } from './hunt-input-error.ts'
import { HASH_OBSERVABLES, type Observable } from './observable.ts'
import type { ExclusionRole, TableProfile } from './table-profile.ts'

/** A condition bound to a table column, with its final values. */
export interface ResolvedCondition {
  role: ExclusionRole
  column: string
  operator: ExclusionOperator
  values: readonly string[]
}

/** A rule a hunt applies, with every condition bound to a column. */
export interface AppliedExclusion {
  rule: ExclusionRule
  conditions: ResolvedCondition[]
}

export interface ExclusionSelection {
  applied: AppliedExclusion[]
  skipped: SkippedExclusion[]
}

// Roles whose columns can hold an indicator's own value. A rule that tests
// one of them against a value equal to an indicator would hide the very
// connection the hunt looks for.
const INDICATOR_ROLES: readonly ExclusionRole[] = [
  'destination-host-name',
  'destination-ip-address',
]

/**
 * Decides which exclusion rules a hunt applies. A rule is skipped, with the
 * reason, when it only records a rejected scenario, when it does not apply
 * to the observable, or when the table lacks a column for one of its
 * conditions. It is also skipped when a site parameter it needs has no
 * values, or when one of its values would match an indicator of the hunt.
 *
 * @throws HuntInputError when a site parameter contains an empty value.
 */
export function selectExclusions(
  profile: TableProfile,
  observable: Observable,
  indicators: readonly Indicator[],
  parameters: Readonly<Record<string, readonly string[]>> = {},
  rules: readonly ExclusionRule[] = EXCLUSION_RULES,
): ExclusionSelection {
  const selection: ExclusionSelection = { applied: [], skipped: [] }
  for (const rule of rules) {
    const result = resolveRule(
      rule,
      profile,
      observable,
      indicators,
      parameters,
    )
    if (typeof result === 'string') {
      selection.skipped.push({ rule, reason: result })
    } else {
      selection.applied.push({ rule, conditions: result })
    }
  }
  return selection
}

function resolveRule(
  rule: ExclusionRule,
  profile: TableProfile,
  observable: Observable,
  indicators: readonly Indicator[],
  parameters: Readonly<Record<string, readonly string[]>>,
): ResolvedCondition[] | string {
  if (rule.rejected !== undefined) return `never applied: ${rule.rejected}`
  if (!rule.appliesTo.includes(observable)) return observableReason(observable)

  const missing = rule.conditions
    .filter(
      (condition) => profile.exclusionColumns[condition.role] === undefined,
    )
    .map((condition) => describeExclusionRole(condition.role))
  if (missing.length > 0) {
    return `${profile.name} has no column for the ${missing.join(' or the ')}`
  }

  const conditions: ResolvedCondition[] = []
  for (const condition of rule.conditions) {
    const values = conditionValues(rule, condition, parameters)
    if (values.length === 0 && 'parameter' in condition) {
      return `needs site values: set the ${condition.parameter} exclusion parameter`
    }
    const column = profile.exclusionColumns[condition.role]!
    conditions.push({
      role: condition.role,
      column,
      operator: condition.operator,
      values,
    })
  }

  const hidden = hiddenIndicator(conditions, indicators)
  if (hidden !== undefined) {
    return `would hide the indicator ${hidden}, which one of its values matches`
  }
  return conditions
}

function observableReason(observable: Observable): string {
  if (HASH_OBSERVABLES.includes(observable)) {
    return 'not used in hash hunts: a hash match identifies the file itself, so no process context makes it benign'
  }
  return `not used in ${observable} hunts`
}

function conditionValues(
  rule: ExclusionRule,
  condition: ExclusionCondition,
  parameters: Readonly<Record<string, readonly string[]>>,
): readonly string[] {
  if (!('parameter' in condition)) return condition.values

  const values = parameters[condition.parameter] ?? []
  if (values.some((value) => value.trim() === '')) {
    throw new HuntInputError(
      `exclusion parameter ${condition.parameter} of rule ${rule.id} has an empty value; ` +
        'remove it, because an empty value would match every row',
    )
  }
  return values
}

function hiddenIndicator(
  conditions: readonly ResolvedCondition[],
  indicators: readonly Indicator[],
): string | undefined {
  for (const condition of conditions) {
    if (!INDICATOR_ROLES.includes(condition.role)) continue
    for (const indicator of indicators) {
      const value = indicatorNetworkValue(indicator)
      if (value !== undefined && operatorMatches(condition, value))
        return indicator.value
    }
  }
  return undefined
}

// The host or address an indicator puts on the far side of a connection.
function indicatorNetworkValue(indicator: Indicator): string | undefined {
  if (indicator.type === 'url') return indicator.url?.host
  if (indicator.type === 'domain' || indicator.type === 'ip')
    return indicator.value
  return undefined
}

// Mirrors the case-insensitive KQL operators the renderer writes.
function operatorMatches(condition: ResolvedCondition, value: string): boolean {
  const candidate = value.toLowerCase()
  return condition.values.some((raw) => {
    const expected = raw.toLowerCase()
    switch (condition.operator) {
      case 'equals-any':
        return candidate === expected
      case 'starts-with-any':
        return candidate.startsWith(expected)
      case 'has-any':
        return candidate.includes(expected)
      case 'domain-or-subdomain-of-any':
        return candidate === expected || candidate.endsWith(`.${expected}`)
    }
  })
}
