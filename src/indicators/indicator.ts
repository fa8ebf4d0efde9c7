/**
 * The indicator model shared by every stage after ingest: feed readers
 * produce {@link FeedRecord}s, normalisation turns each into an
 * {@link Indicator} or a {@link RejectedRecord}, and hunts, packages, state
 * and local hunting read only {@link Indicator}s.
 */

/** Observable kinds huntpack hunts. ThreatFox `ip:port` becomes `ip` with a port. */
export type IndicatorType = 'ip' | 'domain' | 'url' | 'md5' | 'sha1' | 'sha256'

/** Origin of one input record, kept for every record merged into an indicator. */
export interface RecordOrigin {
  /** Feed name, for example `threatfox`. */
  feed: string
  /** Path of the input file as the user gave it. */
  file: string
  /**
   * IOC id when the feed has one, otherwise `line N` in a text file or
   * `record N` in a JSON list (both 1-based).
   */
  recordId: string
  /** The value exactly as the feed wrote it, before refanging. */
  rawValue: string
  /** Name of the entry inside `file` when `file` is a ZIP archive. */
  archiveEntry?: string
}

export interface UrlParts {
  scheme: string
  /** Lower-case host name (punycode) or IP address, IPv6 without brackets. */
  host: string
  /** Explicit port, or undefined when the URL uses the scheme's default. */
  port?: number
  /** Path, query and fragment as they appear after the host. */
  pathAndQuery: string
}

/** One normalised, deduplicated indicator of compromise. */
export interface Indicator {
  /**
   * Deduplication key: `type|value`, plus `|port` for IPs with a port, then
   * `|family`, for example `ip|203.0.113.9|8080|DCRat`. The same observable
   * under two families is two indicators, one per hunting package.
   */
  key: string
  type: IndicatorType
  /**
   * Canonical value: IP address without port (IPv6 compressed, lower case),
   * lower-case punycode domain without trailing dot, refanged URL, or
   * lower-case hex hash.
   */
  value: string
  ipVersion?: 4 | 6
  /** Port of a ThreatFox `ip:port` indicator, 1-65535. */
  port?: number
  url?: UrlParts
  /** Display name of the malware family, for example `DCRat`. */
  family: string
  /** Feed's family id, for example `win.dcrat`, when the feed has one. */
  malwareId?: string
  aliases: string[]
  /** ThreatFox threat type, for example `botnet_cc` or `payload_delivery`. */
  threatType: string
  /** ISO 8601 UTC, for example `2026-04-11T19:37:36Z`. */
  firstSeen: string
  /** ISO 8601 UTC, or undefined when the feed has not reported it. */
  lastSeen?: string
  /** Feed confidence, 0 to 100. */
  confidence: number
  tags: string[]
  references: string[]
  /** True when any merged record had a defanged value. */
  defanged: boolean
  /**
   * True when any merged record marked the host as a compromised legitimate
   * site (ThreatFox `is_compromised`), undefined when no record has the field.
   */
  isCompromised?: boolean
  origins: RecordOrigin[]
}

/** An input record that did not become an indicator, with the reason. */
export interface RejectedRecord {
  file: string
  recordId: string
  value: string
  reason: string
}

/** Counts of one ingest run: read = accepted + merged + rejected. */
export interface IngestTotals {
  read: number
  accepted: number
  merged: number
  rejected: number
}

export interface IngestResult {
  indicators: Indicator[]
  totals: IngestTotals
  rejected: RejectedRecord[]
  /** Observables that became indicators under more than one family. */
  familyOverlaps?: FamilyOverlap[]
}

/** One observable reported for several malware families. */
export interface FamilyOverlap {
  /** `type|value`, plus `|port` for IPs with a port. */
  observableKey: string
  /** Family names in code-point order. */
  families: string[]
}
