/**
 * The one place where a value becomes DuckDB SQL text. The KQL translator
 * writes every string that reaches SQL (feed values from `let` lists,
 * literals, table and column names) through these two functions.
 */

/** Raised when a value cannot be written as a DuckDB literal or identifier. */
export class SqlLiteralError extends Error {
  constructor(
    readonly value: string,
    reason: string,
  ) {
    super(`cannot write ${JSON.stringify(value)} as DuckDB SQL: ${reason}`)
    this.name = 'SqlLiteralError'
  }
}

function rejectNul(value: string, kind: string): void {
  const index = value.indexOf('\u0000')
  if (index >= 0) {
    // DuckDB strings are C strings at the API boundary, so a NUL would cut
    // the literal short.
    throw new SqlLiteralError(
      value,
      `${kind} contains a NUL character at offset ${index}; remove it from the query`,
    )
  }
}

/**
 * Writes `value` as a single-quoted DuckDB string literal. Standard SQL
 * strings in DuckDB have exactly one escape, the doubled single quote;
 * backslashes and every other character stay literal.
 *
 * @throws SqlLiteralError when the value contains a NUL character.
 * @example sqlString("it's") // returns 'it''s'
 */
export function sqlString(value: string): string {
  rejectNul(value, 'string')
  return `'${value.replaceAll("'", "''")}'`
}

/**
 * Writes `name` as a double-quoted DuckDB identifier, so that keywords such
 * as `Type` and names with any character stay names. DuckDB still matches
 * quoted identifiers case-insensitively, unlike KQL.
 *
 * @throws SqlLiteralError when the name is empty or contains a NUL character.
 */
export function sqlIdentifier(name: string): string {
  if (name.length === 0) throw new SqlLiteralError(name, 'identifier is empty')
  rejectNul(name, 'identifier')
  return `"${name.replaceAll('"', '""')}"`
}
