import { kqlDynamicStrings, kqlString } from './kql-literal.ts'

/**
 * The observable-specific part of a hunting query: the value lists, the
 * arguments of an ASIM parser call, and the pipe stages that keep matching
 * rows and add the match columns.
 */
export interface MatchQuery {
  /** `let` statements, each ending in `;`. */
  lets: string[]
  /** Named arguments of an ASIM parser call, for example `hostname_has_any=ioc_domains`. */
  parserArguments: string[]
  /** Pipe stages after the time filter, without the leading `| `. */
  stages: string[]
  /** Columns the stages add for the result, after the triage columns. */
  outputColumns: string[]
}

/** One table column and the KQL test that a row matches on it. */
export interface ColumnTest {
  column: string
  /** Boolean KQL expression, guarded with `isnotempty(column)`. */
  test: string
}

/** Returns the values once each, in first-seen order. */
export function distinct(values: readonly string[]): string[] {
  return [...new Set(values)]
}

/** Writes `let name = dynamic([...]);` with every value as a string literal. */
export function letDynamic(name: string, values: readonly string[]): string {
  return `let ${name} = ${kqlDynamicStrings(values)};`
}

/** Joins boolean expressions with `or`, parenthesising each when there are several. */
export function anyOf(tests: readonly string[]): string {
  if (tests.length === 1) return tests[0]
  return tests.map((test) => `(${test})`).join(' or ')
}

/**
 * Writes `column in (list)` for one list, or `(column in (a) or column in
 * (b))` for several, with `in` or the case-insensitive `in~`.
 */
export function inAnyList(
  column: string,
  lists: readonly string[],
  operator: 'in' | 'in~',
): string {
  const tests = lists.map((list) => `${column} ${operator} (${list})`)
  return tests.length === 1 ? tests[0] : `(${tests.join(' or ')})`
}

/** Writes `case(p1, v1, ..., otherwise)`, or just `otherwise` when there is no pair. */
export function caseOf(
  pairs: readonly (readonly [string, string])[],
  otherwise: string,
): string {
  if (pairs.length === 0) return otherwise
  const branches = pairs.map(([predicate, value]) => `${predicate}, ${value}`)
  return `case(${branches.join(', ')}, ${otherwise})`
}

/**
 * Writes the stages of a match on one or more columns: keep rows where any
 * test holds, then report which column matched in `MatchedColumn` and its
 * value in `MatchedIndicator`. With several columns the first matching one
 * in the given order is reported.
 */
export function columnMatchStages(tests: readonly ColumnTest[]): string[] {
  const stages = [`where ${anyOf(tests.map((entry) => entry.test))}`]
  const last = tests[tests.length - 1]
  const earlier = tests.slice(0, -1)

  for (const entry of earlier) {
    stages.push(`extend ${entry.column}Matched = ${entry.test}`)
  }
  const columnPairs = earlier.map(
    (entry) => [`${entry.column}Matched`, kqlString(entry.column)] as const,
  )
  const valuePairs = earlier.map(
    (entry) => [`${entry.column}Matched`, entry.column] as const,
  )
  stages.push(
    `extend MatchedColumn = ${caseOf(columnPairs, kqlString(last.column))}`,
  )
  stages.push(`extend MatchedIndicator = ${caseOf(valuePairs, last.column)}`)
  return stages
}

/** Result columns of a column match, in the order they are projected. */
export const COLUMN_MATCH_OUTPUT = ['MatchedIndicator', 'MatchedColumn']
