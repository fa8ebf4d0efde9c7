import type { Observable } from './observable.ts'

/** Column that dates an event: `Timestamp` in Defender XDR tables. */
export type TimeColumn = 'TimeGenerated' | 'Timestamp'

/** Part an exclusion condition reads, mapped to a column per table. */
export type ExclusionRole =
  | 'initiating-process-file-name'
  | 'initiating-process-folder-path'
  | 'initiating-process-command-line'
  | 'destination-host-name'
  | 'destination-ip-address'

/** Observables of file hashes, which have one column list each. */
export type HashObservable = 'md5' | 'sha1' | 'sha256'

/**
 * One side of a logged connection: an IP column with its port column.
 * `alias` prefixes the helper columns a query adds for this side, for
 * example `DestinationIpMatched`.
 */
export interface NetworkEndpoint {
  role: 'destination' | 'source' | 'remote'
  alias: string
  ipColumn: string
  portColumn: string
}

/**
 * Filtering parameters of an ASIM parser. The parser applies them before it
 * normalises rows, which is much faster than a `where` after the call.
 */
export interface ParserFilters {
  /** Parameter that takes the start of the time range, for example `starttime`. */
  startTime: string
  /** Parameter that takes a list of IP addresses or prefixes, either direction. */
  ipAddresses?: string
  /**
   * True when the parser compares that list as IPv4 prefixes only, so an
   * IPv6 address in it would drop IPv6 rows. Hunts with IPv6 indicators
   * then leave the parameter out.
   */
  ipAddressesIpv4Only?: boolean
  /** Parameter that takes a list of host names (`has_any` semantics). */
  hostNames?: string
  /** Parameter that takes a list of URLs (`has_any` semantics). */
  urls?: string
}

/**
 * A Sentinel or Defender XDR table, or an ASIM parser, described as data:
 * which columns carry each observable, which columns help triage, and which
 * data connectors fill it. Every column named here must exist in
 * `catalogTable`. For an ASIM parser it must also be a result column that
 * the KQL validator declares for the parser function.
 */
export interface TableProfile {
  /** Table name, or parser function name, as written in KQL. */
  name: string
  kind: 'table' | 'asim-parser'
  /**
   * Table whose columns the query may use: a table of the Sentinel schema
   * catalog, or for an ASIM parser the native ASIM table that the local
   * hunting engine reads in its place.
   */
  catalogTable: string
  timeColumn: TimeColumn
  /** True for tables that Microsoft Defender XDR advanced hunting also has. */
  defenderXdr: boolean
  /** Display names of the data connectors that fill the table. */
  connectors: readonly string[]
  /** Connection sides, in the order a match is reported when several hit. */
  endpoints: readonly NetworkEndpoint[]
  /** True when the IP columns may hold IPv4 as `::ffff:a.b.c.d`. */
  logsIpv4MappedIpv6: boolean
  /**
   * Columns a domain hunt compares: a DNS query name, a destination host,
   * or a whole URL listed in `urlHostColumns` too.
   */
  hostNameColumns: readonly string[]
  /**
   * Columns of `hostNameColumns` that hold a whole URL, whose host a domain
   * hunt takes out before comparing it. None when left out.
   */
  urlHostColumns?: readonly string[]
  /** Columns that hold a whole URL. */
  urlColumns: readonly string[]
  hashColumns: Readonly<Partial<Record<HashObservable, readonly string[]>>>
  exclusionColumns: Readonly<Partial<Record<ExclusionRole, string>>>
  /** Columns every hunt on this table projects, before the match columns. */
  triageColumns: readonly string[]
  parserFilters?: ParserFilters
  /** Caveats a hunter should read with the results of one observable. */
  notes?: Readonly<Partial<Record<Observable, string>>>
  /** Pages that document the columns and connectors. */
  sources: readonly string[]
}
