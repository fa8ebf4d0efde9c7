import { sqlIdentifier, sqlString } from './sql-literal.ts'

/** KQL scalar types as the translator tracks them; `unknown` when not known. */
export type KqlType =
  | 'string'
  | 'int'
  | 'long'
  | 'real'
  | 'bool'
  | 'datetime'
  | 'timespan'
  | 'dynamic'
  | 'unknown'

/** A column of a relation: KQL name and type. */
export interface Column {
  name: string
  type: KqlType
}

/**
 * A tabular KQL value translated to DuckDB: a SELECT statement with its
 * visible columns and the hidden columns the local engine carries along.
 */
export interface Relation {
  /** A complete SELECT statement. */
  sql: string
  columns: Column[]
  /** True when further columns may exist whose names the translator does not know. */
  open: boolean
  /** Hidden columns (row identity and match probes), in output order. */
  hidden: string[]
  /** True while every output row is one log row, so findings can name it. */
  rowLevel: boolean
}

/** A translated scalar expression. */
export interface SqlExpression {
  sql: string
  type: KqlType
  /** Present when the expression is a constant the translator could evaluate. */
  constant?: { value: ConstantValue }
}

export type ConstantScalar = string | number | bigint | boolean | null
export type ConstantValue = ConstantScalar | ConstantScalar[]

/** Hidden column with the source table name of each row. */
export const TABLE_COLUMN = '_hp_Table'
/** Prefix of the hidden copies of source columns that findings report. */
const CARRIED_COLUMN_PREFIX = '_hp_'

/** Name of the hidden copy of source column `name`, for example `_hp__SourceLine`. */
export function carriedColumnName(name: string): string {
  return `${CARRIED_COLUMN_PREFIX}${name}`
}

const NUMERIC_TYPES = new Set<KqlType>(['int', 'long', 'real'])

export function isNumeric(type: KqlType): boolean {
  return NUMERIC_TYPES.has(type)
}

/** Maps a type name of the Sentinel table catalog or a datatable schema. */
export function kqlTypeFromName(name: string): KqlType {
  switch (name.toLowerCase()) {
    case 'string':
    case 'guid':
      return 'string'
    case 'int':
      return 'int'
    case 'long':
      return 'long'
    case 'real':
    case 'double':
    case 'decimal':
      return 'real'
    case 'bool':
    case 'boolean':
      return 'bool'
    case 'datetime':
    case 'date':
      return 'datetime'
    case 'timespan':
    case 'time':
      return 'timespan'
    case 'dynamic':
      return 'dynamic'
    default:
      return 'unknown'
  }
}

/** DuckDB type used for a KQL type in tables the local engine creates. */
export function duckdbType(type: KqlType): string {
  switch (type) {
    case 'string':
    case 'dynamic':
    case 'unknown':
      return 'VARCHAR'
    case 'int':
      return 'INTEGER'
    case 'long':
      return 'BIGINT'
    case 'real':
      return 'DOUBLE'
    case 'bool':
      return 'BOOLEAN'
    case 'datetime':
      return 'TIMESTAMP'
    case 'timespan':
      return 'INTERVAL'
  }
}

/**
 * Returns SQL that gives the KQL string form of an expression. KQL strings
 * are never null (an absent string is ""), so the result is never NULL
 * either. This keeps `not(x startswith "...")` true for rows with no value,
 * as in Kusto.
 */
export function stringSql(expression: SqlExpression): string {
  if (typeof expression.constant?.value === 'string') return expression.sql
  switch (expression.type) {
    case 'string':
      return `coalesce(${expression.sql}, '')`
    case 'datetime':
      // NOTE: KQL prints 7 fractional digits only when they are not zero;
      // DuckDB timestamps have microseconds, written here as 6 digits.
      return `coalesce(strftime(${expression.sql}, '%Y-%m-%dT%H:%M:%S.%fZ'), '')`
    default:
      return `coalesce(CAST(${expression.sql} AS VARCHAR), '')`
  }
}

/** Returns SQL for a list of SELECT output items: quoted column names. */
export function columnList(names: readonly string[]): string {
  return names.map(sqlIdentifier).join(', ')
}

/** Writes a constant as SQL text (strings through {@link sqlString}). */
export function constantSql(value: ConstantScalar): string {
  if (value === null) return 'NULL'
  if (typeof value === 'string') return sqlString(value)
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (typeof value === 'bigint') return value.toString()
  if (!Number.isFinite(value))
    return `CAST(${sqlString(String(value))} AS DOUBLE)`
  return Number.isInteger(value) ? String(value) : `CAST(${value} AS DOUBLE)`
}

/** Finds a column by exact name, then case-insensitively as DuckDB would. */
export function findColumn(
  relation: Relation,
  name: string,
): Column | undefined {
  return (
    relation.columns.find((c) => c.name === name) ??
    relation.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())
  )
}
