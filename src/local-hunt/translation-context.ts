import {
  KqlTranslationError,
  UnsupportedKqlError,
  type KqlPosition,
} from './kql-translation-error.ts'
import { firstToken, positionAt, type SyntaxNode } from './kusto-syntax.ts'
import type { ConstantScalar, Relation, SqlExpression } from './sql-relation.ts'

/** Meaning of a `let` name. */
export type LetBinding =
  | { kind: 'scalar'; value: SqlExpression }
  | { kind: 'list'; values: ConstantScalar[] }
  | { kind: 'tabular'; relation: Relation }

/** Operators whose matched value the local engine can name for a finding. */
export type ProbeOperator =
  | 'in'
  | 'in~'
  | '=='
  | '=~'
  | 'has'
  | 'has_any'
  | 'contains'
  | 'startswith'
  | 'endswith'
  | 'has_any_ipv4_prefix'

/**
 * A positive match in a where clause, such as `RemoteIP in (iocs)`. The
 * translated query carries the left side's value in the hidden column
 * `column`, so the engine can tell which of `values` a row matched.
 */
export interface MatchProbe {
  column: string
  operator: ProbeOperator
  values: string[]
  /** Name of the `let` list the values came from, when they did. */
  listName?: string
  /** Column name of the left side, when it is a plain column. */
  field?: string
  position: KqlPosition
}

/** Query-wide state of one translation. */
export class TranslationContext {
  readonly lets = new Map<string, LetBinding>()
  readonly probes: MatchProbe[] = []
  readonly tables = new Set<string>()

  constructor(
    readonly text: string,
    readonly queryName: string,
    readonly now: Date,
  ) {}

  position(node: SyntaxNode): KqlPosition {
    const start = firstToken(node)?.TextStart ?? node.TextStart
    return positionAt(this.text, start)
  }

  unsupported(construct: string, node: SyntaxNode, detail?: string): never {
    throw new UnsupportedKqlError(
      construct,
      this.queryName,
      this.position(node),
      detail,
    )
  }

  fail(message: string, node: SyntaxNode): never {
    throw new KqlTranslationError(message, this.queryName, this.position(node))
  }

  nextProbeColumn(): string {
    // Hidden probe columns are named _hp_Probe1, _hp_Probe2, ...
    return `_hp_Probe${this.probes.length + 1}`
  }
}

/** Translates a tabular expression; supplied by the query translator. */
export type TabularTranslator = (node: SyntaxNode) => Relation
