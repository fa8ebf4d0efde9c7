/**
 * Scalar expressions of huntpack's KQL subset, translated to DuckDB SQL:
 * - literals: string, bool, int, long, real, datetime, timespan, and
 *   `dynamic([...])` lists of scalars;
 * - operators: `and`, `or`, `==`, `!=`, `=~`, `!~`, `<`, `<=`, `>`, `>=`,
 *   `in`, `!in`, `in~`, `!in~`, `has`, `!has`, `has_any`, `contains`,
 *   `startswith`, `endswith`, `between (a .. b)`;
 * - functions: `not()`, `isempty()`, `isnotempty()`, `ago()`, `now()`,
 *   `strcat()`, `tostring()`, `toint()`, `tolower()`, `iff()`, `case()`,
 *   `coalesce()`, `trim_end()` with the regex `@"\."` only, and
 *   `extract(pattern, group, text)` with {@link URL_HOST_PATTERN} only and
 *   group 0 or 1.
 * Any other operator or function raises UnsupportedKqlError naming it.
 */
import { hasAnyPattern } from './kql-term-match.ts'
import {
  child,
  kindName,
  listElements,
  type SyntaxNode,
} from './kusto-syntax.ts'
import { sqlIdentifier, sqlString } from './sql-literal.ts'
import {
  constantSql,
  findColumn,
  isNumeric,
  stringSql,
  type ConstantScalar,
  type KqlType,
  type Relation,
  type SqlExpression,
} from './sql-relation.ts'
import type {
  ProbeOperator,
  TabularTranslator,
  TranslationContext,
} from './translation-context.ts'

/** A probe found in a where clause, with the SQL of its left side. */
export interface PendingProbe {
  column: string
  sql: string
}

/** Values of the right side of `in`, `has_any` and friends. */
interface ListOperand {
  values: ConstantScalar[]
  /** SQL subqueries (tabular operands), each returning one column. */
  subqueries: Array<{ sql: string; type: KqlType }>
  /** Scalar expressions that are not constants. */
  expressions: SqlExpression[]
  /** Name of the `let` list when the operand is exactly one such list. */
  listName?: string
}

const TICKS_PER_MICROSECOND = 10n

/**
 * The one pattern `extract()` accepts: group 1 is the host of a URL, the
 * pattern huntpack's domain hunts write for URL columns (URL_HOST_PATTERN
 * of the KQL renderers, which a test compares with this one). Kusto and
 * DuckDB both run it with RE2, and it uses no construct whose meaning
 * depends on matching options (case folding, `.` and line breaks, Unicode
 * classes), so both return the same host. Other patterns are rejected
 * because that has not been checked for them.
 */
export const URL_HOST_PATTERN = String.raw`^(?:(?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?(?:[^/\\?#]*@)?(\[[^\]/\\?#]*\]|[^/\\?#:]*)`

/** Unwraps a Bridge.NET boxed value such as System.Boolean. */
function unbox(value: unknown): unknown {
  if (value && typeof value === 'object' && '$boxed' in value) {
    return (value as unknown as { v: unknown }).v
  }
  return value
}

/** Formats a JavaScript date as a DuckDB TIMESTAMP literal (UTC). */
export function timestampSql(date: Date): string {
  const text = date.toISOString().replace('T', ' ').replace('Z', '')
  return `CAST(${sqlString(text)} AS TIMESTAMP)`
}

function isAscii(value: string): boolean {
  return /^[\u0000-\u007f]*$/.test(value)
}

/** Lower-cases a constant in JavaScript when that equals DuckDB's lower(). */
function lowerConstantSql(value: string): string {
  return isAscii(value)
    ? sqlString(value.toLowerCase())
    : `lower(${sqlString(value)})`
}

function lowerSql(expression: SqlExpression): string {
  const value = expression.constant?.value
  if (typeof value === 'string') return lowerConstantSql(value)
  return `lower(${stringSql(expression)})`
}

function comparesAsStrings(left: SqlExpression, right: SqlExpression): boolean {
  const stringy = (e: SqlExpression) =>
    e.type === 'string' ||
    e.type === 'dynamic' ||
    typeof e.constant?.value === 'string'
  if (stringy(left) || stringy(right)) return true
  return left.type === 'unknown' && right.type === 'unknown'
}

/**
 * Translates KQL scalar expressions over one relation into DuckDB SQL.
 * Positive matches in where clauses (see {@link PendingProbe}) are recorded
 * so the engine can name the indicator each row matched.
 */
export class ExpressionTranslator {
  readonly pendingProbes: PendingProbe[] = []

  constructor(
    private readonly context: TranslationContext,
    private readonly relation: Relation,
    private readonly tabular: TabularTranslator,
    private readonly collectProbes = false,
  ) {}

  /** Translates a where condition; probes are collected on its positive paths. */
  condition(node: SyntaxNode): string {
    return this.translate(node, true).sql
  }

  /**
   * Translates one scalar expression. `positive` is true while the node is
   * reached from a where condition through `and`, `or` and parentheses only.
   */
  translate(node: SyntaxNode, positive = false): SqlExpression {
    const kind = kindName(node)
    if (kind.endsWith('LiteralExpression')) return this.literal(node, kind)
    switch (kind) {
      case 'NameReference':
        return this.name(node)
      case 'ParenthesizedExpression': {
        const inner = this.translate(child(node, 'Expression')!, positive)
        return { ...inner, sql: `(${inner.sql})` }
      }
      case 'DynamicExpression':
        return this.dynamicList(node)
      case 'FunctionCallExpression':
        return this.functionCall(node)
      case 'BetweenExpression':
        return this.between(node)
    }
    const operator = child(node, 'Operator')
    if (operator && child(node, 'Left')) {
      return this.binary(node, operator.Text ?? '', positive)
    }
    if (operator) this.context.unsupported(`operator ${operator.Text}`, node)
    return this.context.unsupported(`expression ${kind}`, node)
  }

  private literal(node: SyntaxNode, kind: string): SqlExpression {
    const value = unbox(node.LiteralValue)
    switch (kind) {
      case 'StringLiteralExpression':
        return {
          sql: sqlString(String(value)),
          type: 'string',
          constant: { value: String(value) },
        }
      case 'BooleanLiteralExpression':
        if (value === null || value === undefined) {
          return { sql: 'CAST(NULL AS BOOLEAN)', type: 'bool' }
        }
        return {
          sql: value ? 'TRUE' : 'FALSE',
          type: 'bool',
          constant: { value: Boolean(value) },
        }
      case 'LongLiteralExpression':
      case 'IntLiteralExpression': {
        const type = kind === 'IntLiteralExpression' ? 'int' : 'long'
        const sqlType = type === 'int' ? 'INTEGER' : 'BIGINT'
        if (value === null || value === undefined) {
          return { sql: `CAST(NULL AS ${sqlType})`, type }
        }
        const number = BigInt(String(value))
        return {
          sql: `CAST(${number} AS ${sqlType})`,
          type,
          constant: { value: number },
        }
      }
      case 'RealLiteralExpression':
        if (value === null || value === undefined) {
          return { sql: 'CAST(NULL AS DOUBLE)', type: 'real' }
        }
        return {
          sql: constantSql(Number(value)),
          type: 'real',
          constant: { value: Number(value) },
        }
      case 'DateTimeLiteralExpression':
        if (!(value instanceof Date)) {
          return { sql: 'CAST(NULL AS TIMESTAMP)', type: 'datetime' }
        }
        return { sql: timestampSql(value), type: 'datetime' }
      case 'TimespanLiteralExpression': {
        const ticks = (value as { ticks?: unknown } | null)?.ticks
        if (ticks === undefined || ticks === null) {
          return { sql: 'CAST(NULL AS INTERVAL)', type: 'timespan' }
        }
        const microseconds = BigInt(String(ticks)) / TICKS_PER_MICROSECOND
        return {
          sql: `to_microseconds(CAST(${microseconds} AS BIGINT))`,
          type: 'timespan',
        }
      }
    }
    return this.context.unsupported(`literal ${kind}`, node)
  }

  private name(node: SyntaxNode): SqlExpression {
    const name = (node as unknown as { SimpleName: string }).SimpleName
    // Columns in scope shadow `let` names, as in Kusto.
    const column = findColumn(this.relation, name)
    if (column) return { sql: sqlIdentifier(column.name), type: column.type }
    const binding = this.context.lets.get(name)
    if (binding?.kind === 'scalar') return binding.value
    if (binding?.kind === 'list') return this.listValue(binding.values)
    if (binding?.kind === 'tabular') {
      this.context.fail(
        `${name} is a table; use it as a query source or inside in (...)`,
        node,
      )
    }
    if (this.relation.open) return { sql: sqlIdentifier(name), type: 'unknown' }
    return this.context.fail(
      `column ${name} does not exist here; check the column name against the table schema`,
      node,
    )
  }

  private listValue(values: ConstantScalar[]): SqlExpression {
    return {
      sql: `[${values.map(constantSql).join(', ')}]`,
      type: 'dynamic',
      constant: { value: values },
    }
  }

  /** Reads `dynamic([...])` of scalars; nested arrays and objects are rejected. */
  constantList(node: SyntaxNode): ConstantScalar[] | null {
    const inner = child(node, 'Expression')!
    const kind = kindName(inner)
    if (kind === 'NullLiteralExpression') return null
    if (kind !== 'JsonArrayExpression') {
      this.context.unsupported(
        'dynamic value other than an array',
        node,
        'only dynamic([...]) lists of strings and numbers are supported',
      )
    }
    return listElements(child(inner, 'Values')).map((element) => {
      const value = this.translate(element).constant?.value
      if (value === undefined || Array.isArray(value)) {
        this.context.unsupported(
          'dynamic array element',
          element,
          'elements must be string, number or bool literals',
        )
      }
      return value
    })
  }

  private dynamicList(node: SyntaxNode): SqlExpression {
    const values = this.constantList(node)
    if (values === null) return { sql: 'NULL', type: 'dynamic' }
    return this.listValue(values)
  }

  /** Collects the operand list of `in`, `has_any` and similar operators. */
  listOperand(list: SyntaxNode): ListOperand {
    const operand: ListOperand = { values: [], subqueries: [], expressions: [] }
    const elements = listElements(child(list, 'Expressions'))
    for (const element of elements) {
      const tabular = this.tabularOperand(element)
      if (tabular) {
        const first = tabular.columns[0]
        if (!first)
          this.context.fail('the table in this list has no column', element)
        operand.subqueries.push({
          sql: `SELECT ${sqlIdentifier(first.name)} FROM (${tabular.sql})`,
          type: first.type,
        })
        continue
      }
      const value = this.translate(element)
      const constant = value.constant?.value
      if (Array.isArray(constant)) {
        operand.values.push(...constant)
        if (elements.length === 1 && kindName(element) === 'NameReference') {
          operand.listName = (
            element as unknown as { SimpleName: string }
          ).SimpleName
        }
      } else if (constant !== undefined) {
        operand.values.push(constant)
      } else {
        operand.expressions.push(value)
      }
    }
    return operand
  }

  private tabularOperand(element: SyntaxNode): Relation | undefined {
    const kind = kindName(element)
    if (kind === 'NameReference') {
      const name = (element as unknown as { SimpleName: string }).SimpleName
      if (findColumn(this.relation, name)) return undefined
      const binding = this.context.lets.get(name)
      return binding?.kind === 'tabular' ? binding.relation : undefined
    }
    if (kind === 'PipeExpression') return this.tabular(element)
    if (kind === 'ParenthesizedExpression') {
      const inner = child(element, 'Expression')!
      if (kindName(inner) === 'PipeExpression') return this.tabular(inner)
    }
    return undefined
  }

  private addProbe(
    operator: ProbeOperator,
    left: SqlExpression,
    leftNode: SyntaxNode,
    values: ConstantScalar[],
    listName: string | undefined,
    node: SyntaxNode,
  ): void {
    const strings = values
      .filter((v): v is Exclude<ConstantScalar, null> => v !== null)
      .map(String)
    if (strings.length === 0 || left.constant) return
    const column = this.context.nextProbeColumn()
    const field =
      kindName(leftNode) === 'NameReference'
        ? (leftNode as unknown as { SimpleName: string }).SimpleName
        : undefined
    this.context.probes.push({
      column,
      operator,
      values: strings,
      listName,
      field,
      position: this.context.position(node),
    })
    this.pendingProbes.push({ column, sql: stringSql(left) })
  }

  private binary(
    node: SyntaxNode,
    operator: string,
    positive: boolean,
  ): SqlExpression {
    const leftNode = child(node, 'Left')!
    const rightNode = child(node, 'Right')!
    if (operator === 'and' || operator === 'or') {
      const left = this.translate(leftNode, positive)
      const right = this.translate(rightNode, positive)
      return {
        sql: `(${left.sql} ${operator.toUpperCase()} ${right.sql})`,
        type: 'bool',
      }
    }
    const left = this.translate(leftNode)
    switch (operator) {
      case 'in':
      case '!in':
      case 'in~':
      case '!in~':
        return this.inList(node, left, leftNode, rightNode, operator, positive)
      case 'has':
      case '!has':
      case 'has_any':
        return this.has(node, left, leftNode, rightNode, operator, positive)
    }
    const right = this.translate(rightNode)
    const probeValue = right.constant?.value
    const probeValues = typeof probeValue === 'string' ? [probeValue] : []
    const probe = (op: ProbeOperator) => {
      if (positive)
        this.addProbe(op, left, leftNode, probeValues, undefined, node)
    }
    switch (operator) {
      case '==':
      case '!=': {
        const sqlOperator = operator === '==' ? '=' : '<>'
        if (operator === '==') probe('==')
        const sql = comparesAsStrings(left, right)
          ? `(${stringSql(left)} ${sqlOperator} ${stringSql(right)})`
          : `(${left.sql} ${sqlOperator} ${right.sql})`
        return { sql, type: 'bool' }
      }
      case '=~':
      case '!~': {
        if (operator === '=~') probe('=~')
        const sqlOperator = operator === '=~' ? '=' : '<>'
        return {
          sql: `(lower(${stringSql(left)}) ${sqlOperator} ${lowerSql(right)})`,
          type: 'bool',
        }
      }
      case '<':
      case '<=':
      case '>':
      case '>=':
        return { sql: `(${left.sql} ${operator} ${right.sql})`, type: 'bool' }
      case 'contains':
        probe('contains')
        return {
          sql: `contains(lower(${stringSql(left)}), ${lowerSql(right)})`,
          type: 'bool',
        }
      case 'startswith':
        probe('startswith')
        return {
          sql: `starts_with(lower(${stringSql(left)}), ${lowerSql(right)})`,
          type: 'bool',
        }
      case 'endswith':
        probe('endswith')
        return {
          sql: `ends_with(lower(${stringSql(left)}), ${lowerSql(right)})`,
          type: 'bool',
        }
    }
    return this.context.unsupported(`operator ${operator}`, node)
  }

  private inList(
    node: SyntaxNode,
    left: SqlExpression,
    leftNode: SyntaxNode,
    rightNode: SyntaxNode,
    operator: string,
    positive: boolean,
  ): SqlExpression {
    const operand = this.listOperand(rightNode)
    const ignoreCase = operator.endsWith('~')
    const negated = operator.startsWith('!')
    const values = operand.values.filter((v) => v !== null)
    const numeric =
      isNumeric(left.type) &&
      values.every((v) => typeof v === 'number' || typeof v === 'bigint')
    const leftSql = numeric
      ? left.sql
      : ignoreCase
        ? `lower(${stringSql(left)})`
        : stringSql(left)
    const itemSql = (value: Exclude<ConstantScalar, null>) => {
      if (numeric) return constantSql(value)
      return ignoreCase
        ? lowerConstantSql(String(value))
        : sqlString(String(value))
    }
    const parts: string[] = []
    if (values.length > 0) {
      parts.push(`${leftSql} IN (${values.map(itemSql).join(', ')})`)
    }
    for (const subquery of operand.subqueries) {
      const column = { sql: '_hp_value', type: subquery.type }
      const value = numeric
        ? column.sql
        : ignoreCase
          ? `lower(${stringSql(column)})`
          : stringSql(column)
      parts.push(
        `${leftSql} IN (SELECT ${value} FROM (${subquery.sql}) AS _hp_list(_hp_value))`,
      )
    }
    for (const expression of operand.expressions) {
      const value = numeric
        ? expression.sql
        : ignoreCase
          ? lowerSql(expression)
          : stringSql(expression)
      parts.push(`${leftSql} = ${value}`)
    }
    if (positive && !negated) {
      this.addProbe(
        ignoreCase ? 'in~' : 'in',
        left,
        leftNode,
        values,
        operand.listName,
        node,
      )
    }
    const matched = parts.length === 0 ? 'FALSE' : `(${parts.join(' OR ')})`
    return { sql: negated ? `(NOT ${matched})` : matched, type: 'bool' }
  }

  private has(
    node: SyntaxNode,
    left: SqlExpression,
    leftNode: SyntaxNode,
    rightNode: SyntaxNode,
    operator: string,
    positive: boolean,
  ): SqlExpression {
    let needles: ConstantScalar[]
    let listName: string | undefined
    if (operator === 'has_any') {
      const operand = this.listOperand(rightNode)
      if (operand.subqueries.length > 0 || operand.expressions.length > 0) {
        this.context.unsupported(
          'has_any with a non-constant list',
          node,
          'use a let dynamic([...]) list or literals',
        )
      }
      needles = operand.values
      listName = operand.listName
    } else {
      const right = this.translate(rightNode)
      const value = right.constant?.value
      if (typeof value !== 'string') {
        this.context.unsupported(
          `${operator} with a non-constant right side`,
          node,
          'the right side must be a string literal',
        )
      }
      needles = [value]
    }
    const strings = needles.filter((v) => v !== null).map(String)
    const pattern = hasAnyPattern(strings)
    const matched = pattern
      ? `regexp_matches(${stringSql(left)}, ${sqlString(pattern)})`
      : 'FALSE'
    if (operator === '!has') return { sql: `(NOT ${matched})`, type: 'bool' }
    if (positive) {
      this.addProbe(
        operator === 'has' ? 'has' : 'has_any',
        left,
        leftNode,
        strings,
        listName,
        node,
      )
    }
    return { sql: matched, type: 'bool' }
  }

  private between(node: SyntaxNode): SqlExpression {
    const operatorText = child(node, 'Operator')?.Text
    if (operatorText !== 'between') {
      this.context.unsupported(`operator ${operatorText}`, node)
    }
    const left = this.translate(child(node, 'Left')!)
    const couple = child(node, 'Right')!
    const low = this.translate(child(couple, 'First')!)
    const high = this.translate(child(couple, 'Second')!)
    // `t between (start .. 1h)` ends one hour after start.
    const highSql =
      left.type === 'datetime' && high.type === 'timespan'
        ? `(${low.sql} + ${high.sql})`
        : high.sql
    return {
      sql: `(${left.sql} BETWEEN ${low.sql} AND ${highSql})`,
      type: 'bool',
    }
  }

  private arguments(node: SyntaxNode): SyntaxNode[] {
    return listElements(child(child(node, 'ArgumentList')!, 'Expressions'))
  }

  /** Returns the function name of a call, for example `strcat`. */
  static functionName(node: SyntaxNode): string {
    const name = child(node, 'Name') as unknown as { SimpleName: string }
    return name.SimpleName
  }

  private expectArguments(
    node: SyntaxNode,
    name: string,
    count: number,
    max = count,
  ): SyntaxNode[] {
    const args = this.arguments(node)
    if (args.length < count || args.length > max) {
      const expected = count === max ? `${count}` : `${count} to ${max}`
      this.context.fail(
        `${name}() takes ${expected} arguments, found ${args.length}`,
        node,
      )
    }
    return args
  }

  private functionCall(node: SyntaxNode): SqlExpression {
    const name = ExpressionTranslator.functionName(node)
    const now = timestampSql(this.context.now)
    switch (name) {
      case 'not': {
        const [arg] = this.expectArguments(node, name, 1)
        return { sql: `(NOT ${this.translate(arg).sql})`, type: 'bool' }
      }
      case 'isnotempty':
      case 'isempty': {
        const [arg] = this.expectArguments(node, name, 1)
        const value = this.translate(arg)
        const stringy = ['string', 'dynamic', 'unknown'].includes(value.type)
        const empty = stringy
          ? `(${stringSql(value)} = '')`
          : `(${value.sql} IS NULL)`
        return {
          sql: name === 'isempty' ? empty : `(NOT ${empty})`,
          type: 'bool',
        }
      }
      case 'ago': {
        const [arg] = this.expectArguments(node, name, 1)
        const span = this.translate(arg)
        if (span.type !== 'timespan') {
          this.context.fail('ago() takes a timespan such as 14d', arg)
        }
        return { sql: `(${now} - ${span.sql})`, type: 'datetime' }
      }
      case 'now': {
        const args = this.expectArguments(node, name, 0, 1)
        if (args.length === 0) return { sql: now, type: 'datetime' }
        return {
          sql: `(${now} + ${this.translate(args[0]).sql})`,
          type: 'datetime',
        }
      }
      case 'strcat': {
        const args = this.expectArguments(node, name, 1, 64)
        const parts = args.map((arg) => stringSql(this.translate(arg)))
        return { sql: `(${parts.join(' || ')})`, type: 'string' }
      }
      case 'tostring': {
        const [arg] = this.expectArguments(node, name, 1)
        return { sql: stringSql(this.translate(arg)), type: 'string' }
      }
      case 'toint': {
        const [arg] = this.expectArguments(node, name, 1)
        const value = this.translate(arg)
        // toint() truncates toward zero; DuckDB's cast would round.
        const number = isNumeric(value.type)
          ? value.sql
          : `TRY_CAST(${stringSql(value)} AS DOUBLE)`
        return { sql: `TRY_CAST(trunc(${number}) AS INTEGER)`, type: 'int' }
      }
      case 'tolower': {
        const [arg] = this.expectArguments(node, name, 1)
        return {
          sql: `lower(${stringSql(this.translate(arg))})`,
          type: 'string',
        }
      }
      case 'trim_end':
        return this.trimEnd(node)
      case 'extract':
        return this.extract(node)
      case 'iff':
        return this.iff(node)
      case 'case':
        return this.caseFunction(node)
      case 'coalesce':
        return this.coalesce(node)
    }
    return this.context.unsupported(`function ${name}()`, node)
  }

  private trimEnd(node: SyntaxNode): SqlExpression {
    const [regexNode, sourceNode] = this.expectArguments(node, 'trim_end', 2)
    const regex = this.translate(regexNode).constant?.value
    if (regex !== '\\.') {
      this.context.unsupported(
        'trim_end() with this regular expression',
        regexNode,
        'only @"\\." is supported',
      )
    }
    // NOTE: trailing dots are removed repeatedly ("a.." becomes "a"); Kusto
    // documents only "trailing match", which for a domain name is the same.
    return {
      sql: `rtrim(${stringSql(this.translate(sourceNode))}, '.')`,
      type: 'string',
    }
  }

  private extract(node: SyntaxNode): SqlExpression {
    const [patternNode, groupNode, sourceNode] = this.expectArguments(
      node,
      'extract',
      3,
    )
    const pattern = this.translate(patternNode).constant?.value
    if (pattern !== URL_HOST_PATTERN) {
      this.context.unsupported(
        'extract() with this regular expression',
        patternNode,
        "only the URL host pattern of huntpack's domain hunts is supported",
      )
    }
    const group = this.translate(groupNode).constant?.value
    if (group !== 0n && group !== 1n) {
      this.context.unsupported(
        'extract() with this capture group',
        groupNode,
        'the group must be the literal 0 or 1',
      )
    }
    // Both return "" when the pattern does not match (Kusto's null string
    // is "", and DuckDB's regexp_extract() returns "").
    const source = stringSql(this.translate(sourceNode))
    return {
      sql: `regexp_extract(${source}, ${sqlString(pattern)}, ${group})`,
      type: 'string',
    }
  }

  private iff(node: SyntaxNode): SqlExpression {
    const [conditionNode, thenNode, elseNode] = this.expectArguments(
      node,
      'iff',
      3,
    )
    const condition = this.translate(conditionNode)
    const whenTrue = this.translate(thenNode)
    const whenFalse = this.translate(elseNode)
    return {
      sql: `(CASE WHEN ${condition.sql} THEN ${whenTrue.sql} ELSE ${whenFalse.sql} END)`,
      type: whenTrue.type === 'unknown' ? whenFalse.type : whenTrue.type,
    }
  }

  private caseFunction(node: SyntaxNode): SqlExpression {
    const args = this.arguments(node)
    if (args.length < 3 || args.length % 2 === 0) {
      this.context.fail(
        `case() takes condition/value pairs and an else value (an odd count of at least 3), found ${args.length}`,
        node,
      )
    }
    const branches: string[] = []
    let type: KqlType = 'unknown'
    for (let i = 0; i + 1 < args.length; i += 2) {
      const value = this.translate(args[i + 1])
      if (type === 'unknown') type = value.type
      branches.push(`WHEN ${this.translate(args[i]).sql} THEN ${value.sql}`)
    }
    const otherwise = this.translate(args.at(-1)!)
    if (type === 'unknown') type = otherwise.type
    return {
      sql: `(CASE ${branches.join(' ')} ELSE ${otherwise.sql} END)`,
      type,
    }
  }

  private coalesce(node: SyntaxNode): SqlExpression {
    const args = this.expectArguments(node, 'coalesce', 2, 64)
    const values = args.map((arg) => this.translate(arg))
    const type = values.find((v) => v.type !== 'unknown')?.type ?? 'unknown'
    if (type === 'string') {
      // KQL coalesce() skips empty strings as well as nulls.
      const parts = values.map((v) => `nullif(${stringSql(v)}, '')`)
      return { sql: `coalesce(${parts.join(', ')}, '')`, type }
    }
    return { sql: `coalesce(${values.map((v) => v.sql).join(', ')})`, type }
  }
}
