/**
 * Syntax tree of a STIX 2.1 pattern (STIX 2.1 section 9, "STIX Patterning").
 * Every node has the 0-based `start` and `end` offsets of its text in the
 * pattern, so that a message can quote the part it is about.
 */

interface Span {
  start: number
  end: number
}

/** A literal value: string, number, boolean, timestamp, hex or binary. */
export type StixLiteral =
  | { kind: 'string'; value: string }
  | { kind: 'integer'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'boolean'; value: boolean }
  /** `t'2026-01-01T00:00:00Z'`, the text between the quotes. */
  | { kind: 'timestamp'; value: string }
  /** `h'ff00'` or `b'AAE='`, the text between the quotes. */
  | { kind: 'hex' | 'binary'; value: string }

/** One step of an object path: `.key` or `[index]`, `[*]` for any. */
export type StixPathStep = { key: string } | { index: number | '*' }

/** An object path such as `file:hashes.'SHA-256'`. */
export interface StixObjectPath {
  /** SCO type, such as `ipv4-addr` or `network-traffic`. */
  objectType: string
  /** The first property and the steps after it. */
  steps: StixPathStep[]
}

/** Comparison operators; `IN` takes a set of literals, `EXISTS` none. */
export type StixOperator =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'IN'
  | 'LIKE'
  | 'MATCHES'
  | 'ISSUBSET'
  | 'ISSUPERSET'
  | 'EXISTS'

/** One comparison of an object path with a literal. */
export interface StixComparison extends Span {
  kind: 'comparison'
  path: StixObjectPath
  operator: StixOperator
  /** True when the operator is preceded by `NOT`. */
  negated: boolean
  /** The literal, or the set of an `IN`, or none for `EXISTS`. */
  value?: StixLiteral | StixLiteral[]
}

/** Comparisons joined with `AND` or `OR` inside one observation. */
export interface StixComparisonGroup extends Span {
  kind: 'and' | 'or'
  operands: StixComparisonExpression[]
}

export type StixComparisonExpression = StixComparison | StixComparisonGroup

/** `[ comparisons ]`: one observed object that matches them all. */
export interface StixObservation extends Span {
  kind: 'observation'
  comparison: StixComparisonExpression
}

/** Observation expressions joined with `AND`, `OR` or `FOLLOWEDBY`. */
export interface StixObservationGroup extends Span {
  kind: 'observation-and' | 'observation-or' | 'followed-by'
  operands: StixObservationExpression[]
}

/** An observation expression with `WITHIN`, `REPEATS` or `START`/`STOP`. */
export interface StixQualifiedObservation extends Span {
  kind: 'qualified'
  qualifier: 'WITHIN' | 'REPEATS' | 'START'
  expression: StixObservationExpression
}

export type StixObservationExpression =
  StixObservation | StixObservationGroup | StixQualifiedObservation
