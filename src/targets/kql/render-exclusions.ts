import type {
  AppliedExclusion,
  ResolvedCondition,
} from '../../hunts/select-exclusions.ts'
import { kqlString } from './kql-literal.ts'

/**
 * Writes one `where not(...)` stage per applied exclusion, with its
 * conditions joined by `and`. Every operator used ignores case. None is
 * true for an empty column and non-empty values, so an exclusion never
 * removes a row because a column is empty, and only the match stages need
 * `isnotempty` guards.
 */
export function exclusionStages(
  applied: readonly AppliedExclusion[],
): string[] {
  return applied.map(
    (exclusion) =>
      `where not(${exclusion.conditions.map(conditionText).join(' and ')})`,
  )
}

function conditionText(condition: ResolvedCondition): string {
  const { column, values } = condition
  switch (condition.operator) {
    case 'equals-any':
      return `${column} in~ (${literalList(values)})`
    case 'starts-with-any':
      return orGroup(
        values.map((value) => `${column} startswith ${kqlString(value)}`),
      )
    case 'has-any':
      return `${column} has_any (${literalList(values)})`
    case 'domain-or-subdomain-of-any':
      return orGroup(
        values.flatMap((domain) => [
          `${column} =~ ${kqlString(domain)}`,
          `${column} endswith ${kqlString(`.${domain}`)}`,
        ]),
      )
  }
}

function literalList(values: readonly string[]): string {
  return values.map(kqlString).join(', ')
}

function orGroup(tests: readonly string[]): string {
  return tests.length === 1 ? tests[0] : `(${tests.join(' or ')})`
}
