import { ExpressionTranslator } from './kql-expression-translator.ts'
import {
  child,
  kindName,
  listElements,
  type SyntaxNode,
} from './kusto-syntax.ts'
import { sqlIdentifier } from './sql-literal.ts'
import { type Column, type KqlType, type Relation } from './sql-relation.ts'
import type { TranslationContext } from './translation-context.ts'

/** A `by` item or a projected item: output name and expression. */
export interface NamedItem {
  name: string
  expression: SyntaxNode
}

interface Aggregate {
  name: string
  sql: string
  type: KqlType
}

function simpleName(node: SyntaxNode): string | undefined {
  return kindName(node) === 'NameReference'
    ? (node as unknown as { SimpleName: string }).SimpleName
    : undefined
}

/**
 * Translates `summarize` with count(), dcount(), min(), max(), make_set(),
 * take_any() and arg_max(). Aggregations skip nulls as in KQL. The result no
 * longer maps rows to log rows, so it drops the hidden columns.
 */
export function summarizeRelation(
  context: TranslationContext,
  input: Relation,
  groups: NamedItem[],
  aggregateNodes: SyntaxNode[],
  expressionsFor: (relation: Relation) => ExpressionTranslator,
): Relation {
  const expressions = expressionsFor(input)
  const calls = aggregateNodes.map((node) => {
    if (kindName(node) === 'SimpleNamedExpression') {
      return {
        name: (child(node, 'Name') as unknown as { SimpleName: string })
          .SimpleName as string | undefined,
        call: child(node, 'Expression')!,
      }
    }
    return { name: undefined, call: node }
  })
  for (const { call } of calls) {
    if (kindName(call) !== 'FunctionCallExpression') {
      context.unsupported(`summarize item ${kindName(call)}`, call)
    }
  }
  const argMax = calls.find(
    ({ call }) => ExpressionTranslator.functionName(call) === 'arg_max',
  )
  if (argMax) {
    if (calls.length > 1) {
      context.unsupported(
        'arg_max() together with other aggregations',
        argMax.call,
      )
    }
    return argMaxRelation(context, input, groups, argMax.call, expressions)
  }

  const groupItems = groups.map((group) => {
    const value = expressions.translate(group.expression)
    return { name: group.name, sql: value.sql, type: value.type }
  })
  const aggregates = calls.map(({ name, call }) =>
    aggregate(context, call, name, expressions),
  )
  const select = [...groupItems, ...aggregates].map(
    (item) => `${item.sql} AS ${sqlIdentifier(item.name)}`,
  )
  const groupBy = groupItems.length
    ? ` GROUP BY ${groupItems.map((_, i) => i + 1).join(', ')}`
    : ''
  return {
    sql: `SELECT ${select.join(', ')} FROM (${input.sql})${groupBy}`,
    columns: [...groupItems, ...aggregates].map((item) => ({
      name: item.name,
      type: item.type,
    })),
    open: false,
    hidden: [],
    rowLevel: false,
  }
}

function aggregate(
  context: TranslationContext,
  call: SyntaxNode,
  explicitName: string | undefined,
  expressions: ExpressionTranslator,
): Aggregate {
  const functionName = ExpressionTranslator.functionName(call)
  const args = listElements(child(child(call, 'ArgumentList')!, 'Expressions'))
  const argumentName = args[0] ? simpleName(args[0]) : undefined
  const named = (prefix: string) =>
    explicitName ?? `${prefix}${argumentName ?? ''}`
  const argument = () => {
    if (!args[0]) context.fail(`${functionName}() needs an argument`, call)
    return expressions.translate(args[0])
  }
  switch (functionName) {
    case 'count':
      if (args.length > 0) context.unsupported('count() with an argument', call)
      return { name: explicitName ?? 'count_', sql: 'count(*)', type: 'long' }
    case 'dcount': {
      const value = argument()
      return {
        name: named('dcount_'),
        sql: `count(DISTINCT ${value.sql})`,
        type: 'long',
      }
    }
    case 'min':
    case 'max': {
      const value = argument()
      return {
        name: named(`${functionName}_`),
        sql: `${functionName}(${value.sql})`,
        type: value.type,
      }
    }
    case 'make_set': {
      const value = argument()
      // KQL make_set() skips nulls and returns [] for an empty group.
      let sql = `coalesce(list(DISTINCT ${value.sql}) FILTER (WHERE ${value.sql} IS NOT NULL), [])`
      if (args[1]) {
        const limit = expressions.translate(args[1]).constant?.value
        if (typeof limit !== 'bigint') {
          context.fail(
            'make_set() takes a whole number as its maximum size',
            args[1],
          )
        }
        sql = `list_slice(${sql}, 1, ${limit})`
      }
      return { name: named('set_'), sql, type: 'dynamic' }
    }
    case 'take_any': {
      if (args.length !== 1) {
        context.unsupported('take_any() with more than one argument', call)
      }
      const value = argument()
      // take_any() keeps the column name; only the old any() added "any_".
      return {
        name: explicitName ?? argumentName ?? 'any_',
        sql: `any_value(${value.sql})`,
        type: value.type,
      }
    }
  }
  return context.unsupported(`aggregation ${functionName}()`, call)
}

/**
 * `summarize arg_max(t, ...) by g` keeps, for each group, the row with the
 * greatest t: a window ranking keeps rank 1. Columns come in KQL order:
 * group columns, t, then the listed (or all remaining) columns.
 */
function argMaxRelation(
  context: TranslationContext,
  input: Relation,
  groups: NamedItem[],
  call: SyntaxNode,
  expressions: ExpressionTranslator,
): Relation {
  const args = listElements(child(child(call, 'ArgumentList')!, 'Expressions'))
  if (args.length < 2) {
    context.fail(
      'arg_max() takes the column to maximize and the columns to return',
      call,
    )
  }

  const maximized = expressions.translate(args[0]!)
  const maximizedName = simpleName(args[0]!) ?? 'max_'
  const groupItems = groups.map((group) => ({
    name: group.name,
    value: expressions.translate(group.expression),
  }))
  const columns: Column[] = groupItems.map((g) => ({
    name: g.name,
    type: g.value.type,
  }))
  const inner: string[] = groupItems.map(
    (g, i) => `${g.value.sql} AS ${sqlIdentifier(`_hp_group${i + 1}`)}`,
  )
  const outer: string[] = groupItems.map(
    (g, i) =>
      `${sqlIdentifier(`_hp_group${i + 1}`)} AS ${sqlIdentifier(g.name)}`,
  )

  inner.push(`${maximized.sql} AS "_hp_max"`)
  outer.push(`"_hp_max" AS ${sqlIdentifier(maximizedName)}`)
  columns.push({ name: maximizedName, type: maximized.type })
  const usedNames = new Set(columns.map((c) => c.name))
  const rest = args.slice(1)
  const returned: Column[] =
    rest.length === 1 && kindName(rest[0]!) === 'StarExpression'
      ? input.columns.filter((c) => !usedNames.has(c.name))
      : rest.map((node) => {
          const name = simpleName(node)
          if (!name)
            context.unsupported('arg_max() with a computed column', node)
          const value = expressions.translate(node)
          return { name, type: value.type }
        })
  for (const column of returned) {
    outer.push(sqlIdentifier(column.name))
    columns.push(column)
  }

  const partition = groupItems.length
    ? `PARTITION BY ${groupItems.map((g) => g.value.sql).join(', ')} `
    : ''
  const ranked =
    `SELECT *, ${inner.join(', ')}, ` +
    `row_number() OVER (${partition}ORDER BY ${maximized.sql} DESC NULLS LAST) AS "_hp_rank" ` +
    `FROM (${input.sql})`
  return {
    sql: `SELECT ${outer.join(', ')} FROM (${ranked}) WHERE "_hp_rank" = 1`,
    columns,
    open: false,
    hidden: [],
    rowLevel: false,
  }
}
