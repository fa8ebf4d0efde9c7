/**
 * RE2 pattern whose group 1 is the host of a URL, as domain hunts take it
 * out with `extract()`. Kusto's `extract()` and DuckDB's `regexp_extract()`
 * both use the RE2 library (learn.microsoft.com/kusto/query/re2,
 * duckdb.org/docs/stable/sql/functions/regular_expressions), so the local
 * hunting engine runs the same pattern as Sentinel.
 *
 * Read from the start of the value:
 * - an optional `scheme://` (or a bare `//`). A scheme without `//` is not
 *   read as one, so `evil.example:8080/a` is the host `evil.example`;
 * - optional user info up to the last `@` before the first `/`, `\`, `?`
 *   or `#`, as browsers read it (`http://a@evil.example` is `evil.example`);
 * - the host: a bracketed IPv6 literal with its brackets, or everything up
 *   to the next `:`, `/`, `\`, `?` or `#`.
 *
 * The host keeps its case and a trailing dot. A value that starts with a
 * path (`/a/b`) has an empty host.
 *
 * Kusto's `parse_url()` is not used because it takes an absolute URL with
 * its scheme (learn.microsoft.com/kusto/query/parse-url-function), and logs
 * also hold scheme-less values such as `evil.example:443`. For the absolute
 * URL of that page's example both return the host `host`.
 */
export const URL_HOST_PATTERN = String.raw`^(?:(?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?(?:[^/\\?#]*@)?(\[[^\]/\\?#]*\]|[^/\\?#:]*)`

/** Writes `extract(@"<pattern>", 1, column)`: the host of a URL column, or "". */
export function urlHostExpression(column: string): string {
  // A verbatim literal keeps the pattern readable. The pattern has no `"`,
  // the one character a verbatim literal would need to double.
  return `extract(@"${URL_HOST_PATTERN}", 1, ${column})`
}
