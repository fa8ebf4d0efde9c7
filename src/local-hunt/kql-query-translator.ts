import { isAsimFunction, translateAsimSource } from './asim-sources.ts'
import { ExpressionTranslator } from './kql-expression-translator.ts'
import { KqlSyntaxError } from './kql-translation-error.ts'
import {
  child,
  kindName,
  listElements,
  parseKusto,
  positionAt,
  type SyntaxNode,
} from './kusto-syntax.ts'
import { sqlIdentifier, sqlString } from './sql-literal.ts'
import {
  columnList,
  duckdbType,
  findColumn,
  kqlTypeFromName,
  carriedColumnName,
  TABLE_COLUMN,
  type Column,
  type KqlType,
  type Relation,
  type SqlExpression,
} from './sql-relation.ts'
import { carriedColumns } from './finding-columns.ts'
import { summarizeRelation } from './kql-summarize.ts'
import { huntCatalog, type TableCatalog } from './table-catalog.ts'
import { TranslationContext, type MatchProbe } from './translation-context.ts'

/** Options of {@link translateKql}. */
export interface TranslateOptions {
  /** Name used in error messages, usually the `.kql` file path. */
  queryName?: string
  /** The time `ago()` and `now()` count from; defaults to the current time. */
  now?: Date
  /** Tables and columns; defaults to the tables that logs load into. */
  catalog?: TableCatalog
}

/** One KQL query translated to DuckDB SQL. */
export interface TranslatedQuery {
  /** The whole query; its output has {@link columns}. */
  sql: string
  columns: Column[]
  /**
   * The query up to its first operator that merges rows (`summarize`,
   * `distinct`), with the hidden row identity and probe columns. Findings
   * come from this statement. It is undefined when rows never map to log rows.
   */
  findingsSql?: string
  findingsColumns: Column[]
  /** Hidden columns of {@link findingsSql} that hold matched values. */
  probes: MatchProbe[]
  /** Tables the query reads, for example `DeviceNetworkEvents`. */
  tables: string[]
  /** Operator where findings stop following the query, as `summarize at 7:3`. */
  findingsStop?: string
  /** Things the local run does differently from Sentinel, for the report. */
  warnings: string[]
}

const EMPTY_RELATION: Relation = {
  sql: 'SELECT 1',
  columns: [],
  open: false,
  hidden: [],
  rowLevel: false,
}

/**
 * Translates one KQL query of huntpack's subset into DuckDB SQL by walking
 * the Kusto syntax tree.
 *
 * @throws KqlSyntaxError when the Kusto parser rejects the text.
 * @throws UnsupportedKqlError for an operator, function or form outside
 *   the subset, naming it with its line and column.
 * @throws KqlTranslationError for unknown tables or columns and wrong
 *   argument counts.
 */
export function translateKql(
  text: string,
  options: TranslateOptions = {},
): TranslatedQuery {
  const translator = new QueryTranslator(
    new TranslationContext(
      text,
      options.queryName ?? '<query>',
      options.now ?? new Date(),
    ),
    options.catalog ?? huntCatalog(),
  )
  return translator.translateQuery()
}

class QueryTranslator {
  private readonly warnings: string[] = []

  constructor(
    private readonly context: TranslationContext,
    private readonly catalog: TableCatalog,
  ) {}

  translateQuery(): TranslatedQuery {
    const { root, errors } = parseKusto(this.context.text)
    if (errors.length > 0) {
      const first = errors[0]!
      throw new KqlSyntaxError(
        first.message,
        this.context.queryName,
        positionAt(this.context.text, first.offset),
      )
    }
    let body: SyntaxNode | undefined
    for (const statement of listElements(child(root, 'Statements'))) {
      const kind = kindName(statement)
      if (kind === 'LetStatement') {
        this.letStatement(statement)
      } else if (kind === 'ExpressionStatement') {
        if (body) {
          this.context.fail(
            'the query has more than one tabular expression; keep one after the let statements',
            statement,
          )
        }
        body = child(statement, 'Expression')!
      } else {
        this.context.unsupported(`statement ${kind}`, statement)
      }
    }
    if (!body) {
      return this.context.fail(
        'the query has no tabular expression after its let statements',
        root,
      )
    }
    return this.mainPipeline(body)
  }

  private mainPipeline(body: SyntaxNode): TranslatedQuery {
    const operators: SyntaxNode[] = []
    let source = body
    while (kindName(source) === 'PipeExpression') {
      operators.unshift(child(source, 'Operator')!)
      source = child(source, 'Expression')!
    }
    let relation = this.tabular(source)
    let findings = relation.rowLevel ? relation : undefined
    let findingsStop: string | undefined
    for (const operator of operators) {
      relation = this.operator(relation, operator)
      if (relation.rowLevel && !findingsStop) {
        findings = relation
      } else if (!findingsStop) {
        const position = this.context.position(operator)
        findingsStop = `${this.operatorName(operator)} at ${position.line}:${position.column}`
      }
    }
    return {
      sql: this.visibleSql(relation),
      columns: relation.columns,
      findingsSql: findings?.sql,
      findingsColumns: findings?.columns ?? [],
      probes: this.context.probes.filter((p) =>
        findings?.hidden.includes(p.column),
      ),
      tables: [...this.context.tables],
      findingsStop,
      warnings: this.warnings,
    }
  }

  private visibleSql(relation: Relation): string {
    const names = relation.columns.map((c) => c.name)
    if (relation.open) {
      if (relation.hidden.length === 0) return relation.sql
      return `SELECT * EXCLUDE (${columnList(relation.hidden)}) FROM (${relation.sql})`
    }
    return `SELECT ${columnList(names)} FROM (${relation.sql})`
  }

  private operatorName(operator: SyntaxNode): string {
    const keyword = operator.GetChild(0)
    return keyword?.IsToken
      ? (keyword.Text ?? kindName(operator))
      : kindName(operator)
  }

  private expressions(relation: Relation, collectProbes = false) {
    return new ExpressionTranslator(
      this.context,
      relation,
      (node) => this.tabular(node),
      collectProbes,
    )
  }

  private letStatement(statement: SyntaxNode): void {
    const name = (child(statement, 'Name') as unknown as { SimpleName: string })
      .SimpleName
    const expression = child(statement, 'Expression')!
    const kind = kindName(expression)
    if (kind === 'FunctionDeclaration') {
      this.context.unsupported('let with a function body', statement)
    }
    if (this.isTabular(expression)) {
      this.context.lets.set(name, {
        kind: 'tabular',
        relation: this.tabular(expression),
      })
      return
    }
    const value = this.expressions(EMPTY_RELATION).translate(expression)
    const constant = value.constant?.value
    if (Array.isArray(constant)) {
      this.context.lets.set(name, { kind: 'list', values: constant })
    } else {
      this.context.lets.set(name, { kind: 'scalar', value })
    }
  }

  private isTabular(node: SyntaxNode): boolean {
    switch (kindName(node)) {
      case 'PipeExpression':
      case 'DataTableExpression':
      case 'UnionOperator':
        return true
      case 'ParenthesizedExpression':
        return this.isTabular(child(node, 'Expression')!)
      case 'NameReference': {
        const name = (node as unknown as { SimpleName: string }).SimpleName
        const binding = this.context.lets.get(name)
        if (binding) return binding.kind === 'tabular'
        return this.catalog.has(name)
      }
      case 'FunctionCallExpression': {
        const name = ExpressionTranslator.functionName(node)
        return isAsimFunction(name) || name === '_GetWatchlist'
      }
    }
    return false
  }

  /** Translates a tabular expression (source or pipeline). */
  private tabular(node: SyntaxNode): Relation {
    const kind = kindName(node)
    switch (kind) {
      case 'PipeExpression':
        return this.operator(
          this.tabular(child(node, 'Expression')!),
          child(node, 'Operator')!,
        )
      case 'ParenthesizedExpression':
        return this.tabular(child(node, 'Expression')!)
      case 'NameReference':
        return this.nameSource(node)
      case 'FunctionCallExpression':
        return this.functionSource(node)
      case 'UnionOperator':
        return this.union(undefined, node)
      case 'DataTableExpression':
        return this.dataTable(node)
    }
    return this.context.unsupported(`tabular expression ${kind}`, node)
  }

  private nameSource(node: SyntaxNode): Relation {
    const name = (node as unknown as { SimpleName: string }).SimpleName
    const binding = this.context.lets.get(name)
    if (binding?.kind === 'tabular') return binding.relation
    if (binding) {
      this.context.fail(`${name} is a scalar, not a table`, node)
    }
    if (!this.catalog.has(name)) {
      this.context.fail(
        `table ${name} is not in the Sentinel table catalog; the local engine hunts catalog tables only`,
        node,
      )
    }
    return this.tableRelation(name)
  }

  /**
   * Reads a catalog table. Hidden columns carry the table name, the log file
   * and line, and the columns a finding reports (time, hosts, process), so
   * every matched row can be described whatever the query projects.
   */
  private tableRelation(table: string): Relation {
    this.context.tables.add(table)
    const columns = this.catalog.get(table)
    if (!columns) {
      throw new Error(`table ${table} is missing from the table catalog`)
    }
    const carried = carriedColumns(table, columns)
    const hidden = [TABLE_COLUMN, ...carried.map(carriedColumnName)]
    const items = [
      `${sqlString(table)} AS ${sqlIdentifier(TABLE_COLUMN)}`,
      ...carried.map(
        (name) =>
          `${sqlIdentifier(name)} AS ${sqlIdentifier(carriedColumnName(name))}`,
      ),
    ]
    return {
      sql: `SELECT *, ${items.join(', ')} FROM ${sqlIdentifier(table)}`,
      columns: [...columns],
      open: false,
      hidden,
      rowLevel: true,
    }
  }

  private functionSource(node: SyntaxNode): Relation {
    const name = ExpressionTranslator.functionName(node)
    if (isAsimFunction(name)) {
      return translateAsimSource(
        node,
        this.context,
        this.expressions(EMPTY_RELATION),
        (table) => this.tableRelation(table),
      )
    }
    if (name === '_GetWatchlist') return this.watchlist(node)
    return this.context.unsupported(`function ${name}()`, node)
  }

  private watchlist(node: SyntaxNode): Relation {
    const args = listElements(
      child(child(node, 'ArgumentList')!, 'Expressions'),
    )
    const alias =
      args.length === 1
        ? this.expressions(EMPTY_RELATION).translate(args[0]!).constant?.value
        : undefined
    if (typeof alias !== 'string') {
      this.context.fail(
        '_GetWatchlist() takes one string literal, the watchlist alias',
        node,
      )
    }
    // NOTE: watchlists live in the Sentinel workspace, so the local engine
    // reads every watchlist as empty and reports it as a warning.
    this.warnings.push(
      `watchlist ${JSON.stringify(alias)} is not available locally and was read as empty`,
    )
    return {
      sql: `SELECT CAST(NULL AS VARCHAR) AS "SearchKey", CAST(NULL AS VARCHAR) AS "_DTItemId" WHERE FALSE`,
      columns: [
        { name: 'SearchKey', type: 'string' },
        { name: '_DTItemId', type: 'string' },
      ],
      open: false,
      hidden: [],
      rowLevel: false,
    }
  }

  private dataTable(node: SyntaxNode): Relation {
    if (listElements(child(node, 'Parameters')).length > 0) {
      this.context.unsupported('datatable parameters', node)
    }
    const schema = listElements(child(child(node, 'Schema')!, 'Columns'))
    const columns: Column[] = schema.map((declaration) => ({
      name: (child(declaration, 'Name') as unknown as { SimpleName: string })
        .SimpleName,
      type: kqlTypeFromName(
        child(child(declaration, 'Type')!, 'Type')?.Text ?? '',
      ),
    }))
    const scalar = this.expressions(EMPTY_RELATION)
    const values = listElements(child(node, 'Values')).map((value) =>
      scalar.translate(value),
    )
    if (columns.length === 0 || values.length % columns.length !== 0) {
      this.context.fail(
        `datatable has ${values.length} values for ${columns.length} columns; give a value for every column of every row`,
        node,
      )
    }
    const cast = (value: SqlExpression, type: KqlType) =>
      `CAST(${value.sql} AS ${duckdbType(type)})`
    const rows: string[] = []
    for (let i = 0; i < values.length; i += columns.length) {
      const row = columns.map((column, j) => cast(values[i + j]!, column.type))
      rows.push(
        `SELECT ${row.map((v, j) => `${v} AS ${sqlIdentifier(columns[j]!.name)}`).join(', ')}`,
      )
    }
    const empty = `SELECT ${columns
      .map(
        (c) =>
          `CAST(NULL AS ${duckdbType(c.type)}) AS ${sqlIdentifier(c.name)}`,
      )
      .join(', ')} WHERE FALSE`
    return {
      sql: rows.length ? rows.join(' UNION ALL ') : empty,
      columns,
      open: false,
      hidden: [],
      rowLevel: false,
    }
  }

  private operator(input: Relation, operator: SyntaxNode): Relation {
    const kind = kindName(operator)
    switch (kind) {
      case 'FilterOperator':
        return this.where(input, operator)
      case 'ExtendOperator':
        return this.extend(input, operator)
      case 'ProjectOperator':
        return this.project(input, operator)
      case 'ProjectRenameOperator':
        return this.projectRename(input, operator)
      case 'SummarizeOperator':
        return this.summarize(input, operator)
      case 'SortOperator':
        return this.sort(input, operator)
      case 'TakeOperator':
        return this.take(input, operator)
      case 'DistinctOperator':
        return this.distinct(input, operator)
      case 'UnionOperator':
        return this.union(input, operator)
    }
    return this.context.unsupported(
      `operator ${this.operatorName(operator)}`,
      operator,
    )
  }

  private rejectParameters(operator: SyntaxNode): void {
    const parameters = listElements(child(operator, 'Parameters'))
    if (parameters.length > 0) {
      this.context.unsupported(
        `${this.operatorName(operator)} parameter`,
        parameters[0]!,
      )
    }
  }

  private where(input: Relation, operator: SyntaxNode): Relation {
    this.rejectParameters(operator)
    const keyword = this.operatorName(operator)
    if (keyword !== 'where')
      this.context.unsupported(`operator ${keyword}`, operator)
    const expressions = this.expressions(input, input.rowLevel)
    const condition = expressions.condition(child(operator, 'Condition')!)
    const filtered: Relation = {
      ...input,
      sql: `SELECT * FROM (${input.sql}) WHERE ${condition}`,
    }
    const probes = input.rowLevel ? expressions.pendingProbes : []
    if (probes.length === 0) return filtered
    // Probe values are computed after filtering, for matching rows only.
    const items = probes.map((p) => `${p.sql} AS ${sqlIdentifier(p.column)}`)
    return {
      ...filtered,
      sql: `SELECT *, ${items.join(', ')} FROM (${filtered.sql})`,
      hidden: [...input.hidden, ...probes.map((p) => p.column)],
    }
  }

  /** Splits `name = expression` items; unnamed ones get Column1, Column2, ... */
  private namedItems(
    list: SyntaxNode | null,
    operator: SyntaxNode,
  ): Array<{ name: string; expression: SyntaxNode }> {
    let unnamed = 0
    return listElements(list).map((item) => {
      const kind = kindName(item)
      if (kind === 'SimpleNamedExpression') {
        return {
          name: (child(item, 'Name') as unknown as { SimpleName: string })
            .SimpleName,
          expression: child(item, 'Expression')!,
        }
      }
      if (kind === 'CompoundNamedExpression') {
        this.context.unsupported('assignment to several names', item)
      }
      if (kind === 'NameReference') {
        return {
          name: (item as unknown as { SimpleName: string }).SimpleName,
          expression: item,
        }
      }
      if (kind === 'StarExpression') {
        this.context.unsupported(`* in ${this.operatorName(operator)}`, item)
      }
      unnamed++
      return { name: `Column${unnamed}`, expression: item }
    })
  }

  private extend(input: Relation, operator: SyntaxNode): Relation {
    let relation = input
    for (const item of this.namedItems(
      child(operator, 'Expressions'),
      operator,
    )) {
      const value = this.expressions(relation).translate(item.expression)
      const existing = findColumn(relation, item.name)
      if (existing) {
        relation = {
          ...relation,
          sql: `SELECT * REPLACE (${value.sql} AS ${sqlIdentifier(existing.name)}) FROM (${relation.sql})`,
          columns: relation.columns.map((c) =>
            c === existing ? { name: c.name, type: value.type } : c,
          ),
        }
      } else {
        relation = {
          ...relation,
          sql: `SELECT *, ${value.sql} AS ${sqlIdentifier(item.name)} FROM (${relation.sql})`,
          columns: [...relation.columns, { name: item.name, type: value.type }],
        }
      }
    }
    return relation
  }

  private project(input: Relation, operator: SyntaxNode): Relation {
    const expressions = this.expressions(input)
    const items = this.namedItems(child(operator, 'Expressions'), operator)
    const columns: Column[] = []
    const select: string[] = []
    for (const item of items) {
      const value = expressions.translate(item.expression)
      columns.push({ name: item.name, type: value.type })
      select.push(`${value.sql} AS ${sqlIdentifier(item.name)}`)
    }
    select.push(...input.hidden.map(sqlIdentifier))
    return {
      ...input,
      sql: `SELECT ${select.join(', ')} FROM (${input.sql})`,
      columns,
      open: false,
    }
  }

  private projectRename(input: Relation, operator: SyntaxNode): Relation {
    const renames = new Map<string, string>()
    for (const item of this.namedItems(
      child(operator, 'Expressions'),
      operator,
    )) {
      if (kindName(item.expression) !== 'NameReference') {
        this.context.unsupported(
          'project-rename with an expression',
          item.expression,
        )
      }
      const old = (item.expression as unknown as { SimpleName: string })
        .SimpleName
      const column = findColumn(input, old)
      if (!column && !input.open) {
        this.context.fail(`column ${old} does not exist here`, item.expression)
      }
      renames.set(column?.name ?? old, item.name)
    }
    const list = [...renames].map(
      ([old, name]) => `${sqlIdentifier(old)} AS ${sqlIdentifier(name)}`,
    )
    return {
      ...input,
      sql: `SELECT * RENAME (${list.join(', ')}) FROM (${input.sql})`,
      columns: input.columns.map((c) => ({
        ...c,
        name: renames.get(c.name) ?? c.name,
      })),
    }
  }

  private summarize(input: Relation, operator: SyntaxNode): Relation {
    this.rejectParameters(operator)
    const byClause = child(operator, 'ByClause')
    if (byClause && child(byClause, 'BinClause')) {
      this.context.unsupported('summarize ... by bin', byClause)
    }
    const groups = this.namedItems(
      byClause ? child(byClause, 'Expressions') : null,
      operator,
    )
    const aggregates = listElements(child(operator, 'Aggregates'))
    return summarizeRelation(
      this.context,
      input,
      groups,
      aggregates,
      (relation) => this.expressions(relation),
    )
  }

  private sort(input: Relation, operator: SyntaxNode): Relation {
    this.rejectParameters(operator)
    const expressions = this.expressions(input)
    const keys = listElements(child(operator, 'Expressions')).map((item) => {
      let expression = item
      let descending = true
      let nulls: string | undefined
      if (kindName(item) === 'OrderedExpression') {
        expression = child(item, 'Expression')!
        const ordering = child(item, 'Ordering')
        const direction = ordering && child(ordering, 'AscOrDescKeyword')?.Text
        if (direction === 'asc') descending = false
        const nullsClause = ordering && child(ordering, 'NullsClause')
        if (nullsClause) {
          nulls = listTokens(nullsClause).includes('first')
            ? 'NULLS FIRST'
            : 'NULLS LAST'
        }
      }
      // KQL sorts descending by default, with nulls last when descending
      // and first when ascending.
      nulls ??= descending ? 'NULLS LAST' : 'NULLS FIRST'
      const value = expressions.translate(expression)
      return `${value.sql} ${descending ? 'DESC' : 'ASC'} ${nulls}`
    })
    return {
      ...input,
      sql: `SELECT * FROM (${input.sql}) ORDER BY ${keys.join(', ')}`,
    }
  }

  private take(input: Relation, operator: SyntaxNode): Relation {
    this.rejectParameters(operator)
    const count = this.expressions(EMPTY_RELATION).translate(
      child(operator, 'Expression')!,
    ).constant?.value
    if (typeof count !== 'bigint' || count < 0n) {
      this.context.fail(
        `${this.operatorName(operator)} takes a non-negative whole number`,
        operator,
      )
    }
    return {
      ...input,
      sql: `SELECT * FROM (${input.sql}) LIMIT ${count}`,
    }
  }

  private distinct(input: Relation, operator: SyntaxNode): Relation {
    this.rejectParameters(operator)
    const items = listElements(child(operator, 'Expressions'))
    if (items.length === 1 && kindName(items[0]!) === 'StarExpression') {
      return {
        sql: `SELECT DISTINCT ${columnList(input.columns.map((c) => c.name))} FROM (${input.sql})`,
        columns: input.columns,
        open: false,
        hidden: [],
        rowLevel: false,
      }
    }
    const expressions = this.expressions(input)
    const named = this.namedItems(child(operator, 'Expressions'), operator)
    const columns: Column[] = []
    const select = named.map((item) => {
      const value = expressions.translate(item.expression)
      columns.push({ name: item.name, type: value.type })
      return `${value.sql} AS ${sqlIdentifier(item.name)}`
    })
    return {
      sql: `SELECT DISTINCT ${select.join(', ')} FROM (${input.sql})`,
      columns,
      open: false,
      hidden: [],
      rowLevel: false,
    }
  }

  private union(input: Relation | undefined, operator: SyntaxNode): Relation {
    this.rejectParameters(operator)
    const parts = input ? [input] : []
    for (const item of listElements(child(operator, 'Expressions'))) {
      parts.push(this.tabular(item))
    }
    const columns: Column[] = []
    for (const part of parts) {
      for (const column of part.columns) {
        const existing = columns.find((c) => c.name === column.name)
        if (!existing) columns.push({ ...column })
        else if (existing.type !== column.type) existing.type = 'unknown'
      }
    }
    const hidden = [...new Set(parts.flatMap((p) => p.hidden))]
    const sql = parts
      .map((p) => `SELECT * FROM (${p.sql})`)
      .join(' UNION ALL BY NAME ')
    return {
      sql,
      columns,
      open: parts.some((p) => p.open),
      hidden,
      rowLevel: parts.every((p) => p.rowLevel),
    }
  }
}

function listTokens(node: SyntaxNode): string[] {
  const tokens: string[] = []
  const walk = (current: SyntaxNode) => {
    if (current.IsToken) tokens.push(current.Text ?? '')
    for (let i = 0; i < current.ChildCount; i++) {
      const next = current.GetChild(i)
      if (next) walk(next)
    }
  }
  walk(node)
  return tokens
}
