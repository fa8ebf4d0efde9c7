/**
 * Checks KQL text with Microsoft's Kusto parser and binder against the
 * Sentinel table catalog, the unifying ASIM parsers and `_GetWatchlist`.
 *
 * Severity policy:
 * - `validate` returns every parser and binder diagnostic of severity
 *   Error, Warning or Suggestion (Information is reported as a suggestion,
 *   and Hidden, which Kusto.Language marks as not meant for users, is left
 *   out). In version 12.4.1 the binder's warnings are a fuzzy `union` name
 *   that is not a known table (KS205), an operator parameter it does not
 *   recognise (KS179) and a cluster without a known schema (KS207).
 * - {@link assertValidKql}, which checks the queries huntpack writes, fails
 *   on errors and on warnings, because each of those warnings means that
 *   the query reads a source other than the one intended or relies on
 *   something the catalog does not describe.
 * - `huntpack validate` prints warnings but fails only on errors, because a
 *   hand-written query may reach a cluster the catalog lacks.
 *
 * Kusto.Language's optional analyzers (performance and style hints such as
 * "avoid joins without a kind") are not run.
 */
import {
  sentinelCatalog,
  type SchemaCatalog,
} from '../targets/kql/schema-catalog.ts'
import {
  loadKustoLanguage,
  type KustoCode,
  type KustoGlobalState,
  type KustoLanguage,
} from './kusto-language.ts'
import { buildSentinelGlobals } from './sentinel-globals.ts'

/** Severity of a diagnostic. */
export type KqlSeverity = 'error' | 'warning' | 'suggestion'

/** One problem the parser or binder found in a query. */
export interface KqlDiagnostic {
  severity: KqlSeverity
  message: string
  /** 1-based line. Lines end at `\r\n`, `\n`, `\r`, U+0085, U+2028 or U+2029. */
  line: number
  /** 1-based column, counted in UTF-16 code units like `start`. */
  column: number
  /** Offset of the problem in the query text, in UTF-16 code units. */
  start: number
  /** Length of the offending text, or 0 where something is missing. */
  length: number
}

// Kusto.Language severity names. An unknown name counts as an error, so
// that a new severity in a later version cannot let a broken query pass.
const SEVERITIES: Readonly<Record<string, KqlSeverity | null>> = {
  Error: 'error',
  Warning: 'warning',
  Suggestion: 'suggestion',
  Information: 'suggestion',
  Hidden: null,
}

const NO_STATEMENT_MESSAGE =
  'The query has no tabular expression statement, so it returns no table; ' +
  'end it with one, for example a table name followed by operators.'

const SCALAR_RESULT_MESSAGE =
  'The query ends with a scalar expression, so it returns no table; ' +
  'end it with a tabular expression, for example a table name followed by operators.'

/**
 * Validates KQL hunting queries. Construction loads the Kusto parser and
 * declares the catalog to it, which is slow, so share one instance:
 * {@link KqlValidator.shared}.
 */
export class KqlValidator {
  private static sharedInstance: KqlValidator | undefined
  private readonly kusto: KustoLanguage
  private readonly globals: KustoGlobalState

  /**
   * Returns the process-wide validator for the shipped Sentinel catalog,
   * created on the first call.
   *
   * @throws SchemaCatalogError when the shipped catalog is invalid.
   */
  static shared(): KqlValidator {
    KqlValidator.sharedInstance ??= new KqlValidator(sentinelCatalog())
    return KqlValidator.sharedInstance
  }

  /**
   * Creates a validator for the tables of `catalog`.
   *
   * @throws UnknownTableError when the catalog lacks ASimNetworkSessionLogs,
   *   whose columns `_Im_NetworkSession` returns.
   */
  constructor(catalog: SchemaCatalog) {
    const { kusto, bridge } = loadKustoLanguage()
    this.kusto = kusto
    this.globals = buildSentinelGlobals(kusto, bridge, catalog)
  }

  /**
   * Parses and binds `query` and returns its diagnostics ordered by
   * position. An empty list means the query is valid. Besides the parser's
   * and binder's diagnostics, a query that returns no table (empty, only
   * `let` statements, or a scalar expression) gets an error, because a
   * hunting query must return rows. That check is skipped when the query
   * already has an error.
   */
  validate(query: string): KqlDiagnostic[] {
    const code = this.kusto.KustoCode.ParseAndAnalyze(query, this.globals)
    const diagnostics: KqlDiagnostic[] = []
    const items = code.GetDiagnostics()
    for (let i = 0; i < items.Count; i++) {
      const item = items.getItem(i)
      const severity = Object.hasOwn(SEVERITIES, item.Severity)
        ? SEVERITIES[item.Severity]
        : 'error'
      if (severity === null) continue
      diagnostics.push(
        diagnosticAt(code, severity, item.Message, item.Start, item.Length),
      )
    }

    const resultMessage = this.resultProblem(code)
    if (resultMessage && !diagnostics.some((d) => d.severity === 'error')) {
      const end = query.trimEnd().length
      diagnostics.push(diagnosticAt(code, 'error', resultMessage, end, 0))
    }
    return diagnostics.sort((a, b) => a.start - b.start)
  }

  private resultProblem(code: KustoCode): string | undefined {
    const result = code.ResultType
    if (!result) return NO_STATEMENT_MESSAGE
    if (result.Kind === this.kusto.Symbols.SymbolKind.Table) return undefined
    // An Error symbol comes with its own error diagnostic.
    if (result.Kind === this.kusto.Symbols.SymbolKind.Error) return undefined
    return SCALAR_RESULT_MESSAGE
  }
}

function diagnosticAt(
  code: KustoCode,
  severity: KqlSeverity,
  message: string,
  start: number,
  length: number,
): KqlDiagnostic {
  const line = { v: 1 }
  const column = { v: 1 }
  code.TryGetLineAndOffset(start, line, column)
  return { severity, message, line: line.v, column: column.v, start, length }
}

// Maximum length of the offending text that an error message quotes.
const MAX_EXCERPT = 60

/**
 * Returns the text a diagnostic points at, quoted as a JSON string so that
 * control characters stay visible. A zero-length diagnostic marks a missing
 * part, so the text that follows on the same line is quoted instead.
 */
export function offendingText(
  query: string,
  diagnostic: KqlDiagnostic,
): string {
  const quote = (text: string) =>
    JSON.stringify(
      text.length > MAX_EXCERPT ? `${text.slice(0, MAX_EXCERPT - 3)}...` : text,
    )
  const { start, length } = diagnostic
  if (length > 0) return quote(query.slice(start, start + length))

  const rest = query.slice(start).split(/\r\n|[\n\r\u0085\u2028\u2029]/, 1)[0]
  const next = rest.trim().slice(0, 20)
  return next ? `before ${quote(next)}` : 'at end of line'
}

/** Raised by {@link assertValidKql} for a query with errors or warnings. */
export class KqlValidationError extends Error {
  constructor(
    /** Name of the query in the message, for example its package file name. */
    readonly label: string,
    readonly query: string,
    /** The errors and warnings that failed the check, ordered by position. */
    readonly diagnostics: readonly KqlDiagnostic[],
  ) {
    const lines = diagnostics.map(
      (d) =>
        `  ${d.line}:${d.column}: ${d.severity}: ${d.message} ` +
        `[${offendingText(query, d)}]`,
    )
    const count = diagnostics.length
    super(
      `${label}: the KQL query has ${count} ${count === 1 ? 'problem' : 'problems'}:\n` +
        `${lines.join('\n')}\n` +
        'Correct the query, or the renderer or hunt definition that produced it.',
    )
    this.name = 'KqlValidationError'
  }
}

/**
 * Validates `query` with the shared validator and returns when it has no
 * error or warning (suggestions are allowed).
 *
 * @param label names the query in the error, for example `dcrat/DeviceNetworkEvents-ip.kql`.
 * @throws KqlValidationError listing each error and warning with its
 *   line:column and the offending text.
 */
export function assertValidKql(query: string, label: string): void {
  const failing = KqlValidator.shared()
    .validate(query)
    .filter((d) => d.severity !== 'suggestion')
  if (failing.length > 0) throw new KqlValidationError(label, query, failing)
}
