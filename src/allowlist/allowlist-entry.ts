import type { IpAddress, IpNetwork } from './ip-address.ts'

/** The kind of value an allow-list entry matches. */
export type AllowlistEntryMatcher =
  | { kind: 'ip'; address: IpAddress }
  | { kind: 'network'; network: IpNetwork }
  /** Matches the domain and, when `subdomains` is true, every name below it by whole labels. */
  | { kind: 'domain'; domain: string; subdomains: boolean }

/** One allow-list entry with where it came from. */
export interface AllowlistEntry {
  /** Entry as written, for example `192.0.2.53`, `10.0.0.0/8` or `github.com`. */
  text: string
  matcher: AllowlistEntryMatcher
  /** Name of the list, for example `user allow-list` or `reserved ranges (private)`. */
  list: string
  /** Source of the entry: `FILE line N`, an RFC or a published list. */
  source: string
  /**
   * True when the entry applies only to bare domain indicators, so a URL on
   * the domain is still hunted (the popular-domains list).
   */
  domainIndicatorsOnly?: boolean
}

/** The reason an indicator was allow-listed. */
export interface AllowlistMatch {
  entry: AllowlistEntry
  /** One sentence for reports and the state's status reason. */
  reason: string
}
