import type {
  CatalogColumn,
  SchemaCatalog,
} from '../targets/kql/schema-catalog.ts'
import type {
  BridgeRuntime,
  KustoGlobalState,
  KustoLanguage,
  KustoSymbol,
} from './kusto-language.ts'
import { sentinelFunctions } from './sentinel-functions.ts'

// Queries name tables without a cluster or database, so these names never
// appear in query text or in diagnostics.
const CLUSTER_NAME = 'sentinel'
const DATABASE_NAME = 'workspace'

function columnSymbols(
  kusto: KustoLanguage,
  columns: readonly CatalogColumn[],
): KustoSymbol[] {
  const { ScalarTypes, ColumnSymbol } = kusto.Symbols
  return columns.map((column) => {
    const type = ScalarTypes.GetSymbol(column.type)
    // The catalog accepts only KQL scalar type names, so this is a bug in
    // huntpack rather than bad input.
    if (!type)
      throw new Error(`Kusto.Language has no scalar type ${column.type}`)
    return new ColumnSymbol(column.name, type, null, null, null, null)
  })
}

/**
 * Builds the names a Sentinel hunting query is bound against: Kusto's
 * built-in functions, every catalog table, and the functions of
 * {@link sentinelFunctions}, in one database that is the default for
 * unqualified names.
 *
 * NOTE: the Log Analytics functions workspace(), app() and resource() are
 * not declared, so a cross-workspace query gets an "unknown function" error.
 *
 * @throws UnknownTableError when the catalog lacks a table a function's
 *   result is taken from.
 */
export function buildSentinelGlobals(
  kusto: KustoLanguage,
  bridge: BridgeRuntime,
  catalog: SchemaCatalog,
): KustoGlobalState {
  const { TableSymbol, FunctionSymbol, Parameter, DatabaseSymbol } =
    kusto.Symbols

  const tables = catalog.tableNames.map(
    (name) =>
      new TableSymbol.$ctor4(
        name,
        columnSymbols(kusto, catalog.tableColumns(name)),
      ),
  )
  const functions = sentinelFunctions(catalog).map((definition) => {
    const result = new TableSymbol.ctor(
      columnSymbols(kusto, definition.columns),
    ).WithIsOpen(definition.isOpen)
    return new FunctionSymbol.$ctor6(
      definition.name,
      result,
      Parameter.ParseList(definition.parameters),
      definition.description,
    )
  })

  const database = new DatabaseSymbol.$ctor1(
    DATABASE_NAME,
    bridge.toList([...tables, ...functions]),
    false,
  )
  const cluster = new kusto.Symbols.ClusterSymbol.ctor(CLUSTER_NAME, [database])
  return kusto.GlobalState.Default.WithCluster(cluster).WithDatabase(database)
}
