import type { Indicator } from '../indicators/indicator.ts'

const COLUMNS = [
  'type',
  'value',
  'port',
  'family',
  'malware_id',
  'aliases',
  'threat_type',
  'first_seen_utc',
  'last_seen_utc',
  'confidence',
  'tags',
  'references',
  'sources',
] as const

/** Quotes a CSV field when RFC 4180 needs it (comma, quote, line break) or when spaces at either end would be trimmed. */
function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value)
    ? `"${value.replaceAll('"', '""')}"`
    : value
}

function indicatorFields(indicator: Indicator): string[] {
  return [
    indicator.type,
    indicator.value,
    indicator.port === undefined ? '' : String(indicator.port),
    indicator.family,
    indicator.malwareId ?? '',
    indicator.aliases.join(','),
    indicator.threatType,
    indicator.firstSeen,
    indicator.lastSeen ?? '',
    String(indicator.confidence),
    indicator.tags.join(','),
    indicator.references.join(' '),
    indicator.origins.map((o) => `${o.feed}:${o.recordId}`).join(' '),
  ]
}

/**
 * Renders indicators as CSV (RFC 4180 quoting, `\n` line ends, a header
 * row) with the canonical, refanged values, for tools rather than people.
 * Lists are joined with `,` (aliases, tags) or a space (references, and
 * sources as `feed:record-id`). An IP with a port has the address in
 * `value` and the port in `port`. Rows keep the order of `indicators`.
 *
 * NOTE: values are written as the feed sent them, so a spreadsheet may treat
 * a tag that starts with `=`, `+`, `-` or `@` as a formula.
 */
export function renderIndicatorsCsv(indicators: readonly Indicator[]): string {
  const rows = [
    COLUMNS.join(','),
    ...indicators.map((i) => indicatorFields(i).map(csvField).join(',')),
  ]
  return `${rows.join('\n')}\n`
}
