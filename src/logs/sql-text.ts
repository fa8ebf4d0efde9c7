/** Quotes a DuckDB identifier, doubling any `"` in it. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** Writes a DuckDB string literal, doubling any `'` in it. */
export function sqlStringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}
