import { readFileSync } from 'node:fs'
import type { IndicatorType } from '../indicators/indicator.ts'
import type { AllowlistEntry, AllowlistMatch } from './allowlist-entry.ts'
import {
  ipInNetwork,
  parseIpAddress,
  parseIpNetwork,
  type IpAddress,
  type IpNetwork,
} from './ip-address.ts'
import {
  normalizeDomain,
  parseAllowlistEntry,
} from './parse-allowlist-entry.ts'
import { readAllowlistFile } from './read-allowlist-file.ts'
import {
  RESERVED_RANGE_CATEGORIES,
  RESERVED_RANGES,
  type ReservedRangeCategory,
} from './reserved-ranges.ts'

/** Lists that {@link Allowlist.load} combines. */
export interface AllowlistOptions {
  /** Reserved-range categories to suppress. Default: every category. */
  reservedRanges?: readonly ReservedRangeCategory[]
  /** Suppress documented sinkholes (shipped list). Default true. */
  sinkholes?: boolean
  /** Suppress bare domains of popular services and CDNs (shipped list). Default true. */
  popularDomains?: boolean
  /** User allow-list files, read with {@link readAllowlistFile}. */
  files?: readonly string[]
  /** Entries given directly, checked before the files. */
  entries?: readonly AllowlistEntry[]
}

/** The part of an indicator that allow-listing looks at. */
export interface AllowlistTarget {
  type: IndicatorType
  /** Canonical value: an IP address without port, a domain, a URL or a hash. */
  value: string
  port?: number
  /** Host of a URL indicator, IPv6 without brackets. Parsed from `value` when absent. */
  urlHost?: string
}

const DATA = new URL('./data/', import.meta.url)

interface ShippedList<T> {
  name: string
  description: string
  entries: T[]
}

/**
 * The combined allow-list: user entries first, then reserved ranges,
 * documented sinkholes and popular domains. The first entry that matches
 * decides, so a report names the most specific reason the user gave.
 *
 * Matching rules: IP entries and CIDR blocks match IP indicators of any
 * port (an `ip:port` IOC is covered by an entry for its IP) and URLs whose
 * host is such an address. Domain entries match whole labels from the right
 * (`github.com` covers `api.github.com`, never `notgithub.com`) on domain
 * indicators and URL hosts, except popular-domain entries, which cover bare
 * domains only. Hash indicators are never allow-listed.
 */
export class Allowlist {
  /** Exact addresses by normalized text, first entry wins. */
  private readonly ipEntries = new Map<string, AllowlistEntry>()
  /** IPv4 blocks as 32-bit base and mask, for a numeric test per entry. */
  private readonly ipv4Networks: Array<{
    entry: AllowlistEntry
    base: number
    mask: number
  }> = []
  private readonly ipv6Networks: Array<{
    entry: AllowlistEntry
    network: IpNetwork
  }> = []
  private readonly domainEntries = new Map<string, AllowlistEntry[]>()

  private readonly order = new Map<AllowlistEntry, number>()

  constructor(readonly entries: readonly AllowlistEntry[]) {
    for (const entry of entries) {
      this.order.set(entry, this.order.size)
      const matcher = entry.matcher
      if (matcher.kind === 'ip') {
        const text = addressKey(matcher.address)
        if (!this.ipEntries.has(text)) this.ipEntries.set(text, entry)
      }
      if (matcher.kind === 'network') this.addNetwork(entry, matcher.network)
      if (matcher.kind === 'domain') {
        const list = this.domainEntries.get(matcher.domain) ?? []
        list.push(entry)
        this.domainEntries.set(matcher.domain, list)
      }
    }
  }

  /**
   * Builds the allow-list from the shipped lists and user files.
   * Throws `AllowlistFileError` for an unreadable file or invalid lines.
   */
  static load(options: AllowlistOptions = {}): Allowlist {
    const userEntries = [
      ...(options.entries ?? []),
      ...(options.files ?? []).flatMap((file) => readAllowlistFile(file)),
    ]
    return new Allowlist([
      ...userEntries,
      ...reservedRangeEntries(
        options.reservedRanges ?? RESERVED_RANGE_CATEGORIES,
      ),
      ...(options.sinkholes === false ? [] : sinkholeEntries()),
      ...(options.popularDomains === false ? [] : popularDomainEntries()),
    ])
  }

  /** Returns the first entry that covers the indicator, or undefined. */
  match(target: AllowlistTarget): AllowlistMatch | undefined {
    if (target.type === 'ip') return this.matchIp(target, target.value)
    if (target.type === 'domain')
      return this.matchDomain(target, target.value, false)
    if (target.type !== 'url') return undefined

    const host = target.urlHost ?? urlHost(target.value)
    if (host === undefined) return undefined
    return parseIpAddress(host)
      ? this.matchIp(target, host)
      : this.matchDomain(target, host, true)
  }

  private addNetwork(entry: AllowlistEntry, network: IpNetwork): void {
    const [address, prefix] = network
    if (address.kind() !== 'ipv4') {
      this.ipv6Networks.push({ entry, network })
      return
    }
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
    this.ipv4Networks.push({
      entry,
      base: (ipv4Number(address) & mask) >>> 0,
      mask,
    })
  }

  private matchIp(
    target: AllowlistTarget,
    text: string,
  ): AllowlistMatch | undefined {
    const address = parseIpAddress(text)
    if (!address) return undefined

    // Both candidates are the first of their kind; the earlier list wins.
    const exact = this.ipEntries.get(addressKey(address))
    const network = this.findNetwork(address)
    const entry =
      exact && network
        ? this.order.get(exact)! < this.order.get(network)!
          ? exact
          : network
        : (exact ?? network)
    return entry ? { entry, reason: describeMatch(target, entry) } : undefined
  }

  private findNetwork(address: IpAddress): AllowlistEntry | undefined {
    if (address.kind() === 'ipv6') {
      return this.ipv6Networks.find((candidate) =>
        ipInNetwork(address, candidate.network),
      )?.entry
    }
    const value = ipv4Number(address)
    return this.ipv4Networks.find(
      (candidate) => (value & candidate.mask) >>> 0 === candidate.base,
    )?.entry
  }

  private matchDomain(
    target: AllowlistTarget,
    host: string,
    isUrl: boolean,
  ): AllowlistMatch | undefined {
    const domain = normalizeDomain(host)
    if (domain === undefined) return undefined

    // Walk up whole labels: a.b.example.com, b.example.com, example.com, com.
    const labels = domain.split('.')
    for (let start = 0; start < labels.length; start++) {
      const candidate = labels.slice(start).join('.')
      const entry = this.domainEntries.get(candidate)?.find((item) => {
        if (item.matcher.kind !== 'domain') return false
        if (start > 0 && !item.matcher.subdomains) return false
        return !(isUrl && item.domainIndicatorsOnly)
      })
      if (entry) return { entry, reason: describeMatch(target, entry) }
    }
    return undefined
  }
}

function addressKey(address: IpAddress): string {
  return `${address.kind()}:${address.toNormalizedString()}`
}

function ipv4Number(address: IpAddress): number {
  const bytes = address.toByteArray()
  return (
    ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0
  )
}

function describeMatch(target: AllowlistTarget, entry: AllowlistEntry): string {
  const display =
    target.type === 'ip' && target.port !== undefined
      ? `${target.value.includes(':') ? `[${target.value}]` : target.value}:${target.port}`
      : target.value
  const portNote =
    target.type === 'ip' &&
    target.port !== undefined &&
    entry.matcher.kind !== 'domain'
      ? '; an address entry covers every port'
      : ''
  const urlNote = entry.domainIndicatorsOnly
    ? '; a full URL on this domain is still hunted'
    : ''
  return `${display} matches ${entry.text} in ${entry.list}, ${entry.source}${portNote}${urlNote}`
}

function urlHost(value: string): string | undefined {
  try {
    const host = new URL(value).hostname
    return host.startsWith('[') ? host.slice(1, -1) : host
  } catch {
    return undefined
  }
}

function reservedRangeEntries(
  categories: readonly ReservedRangeCategory[],
): AllowlistEntry[] {
  return RESERVED_RANGES.filter((range) =>
    categories.includes(range.category),
  ).map((range) => {
    const network = parseIpNetwork(range.cidr)
    if (!network)
      throw new Error(`Invalid shipped reserved range ${range.cidr}`)
    return {
      text: range.cidr,
      matcher: { kind: 'network', network },
      list: `reserved ranges (${range.category})`,
      source: range.source,
    }
  })
}

function readShippedList<T>(name: string): ShippedList<T> {
  return JSON.parse(readFileSync(new URL(name, DATA), 'utf8')) as ShippedList<T>
}

function sinkholeEntries(): AllowlistEntry[] {
  const shipped = readShippedList<{ value: string; source: string }>(
    'sinkholes.json',
  )
  return shipped.entries.map((item) => {
    const parsed = parseAllowlistEntry(item.value)
    if ('problem' in parsed) {
      throw new Error(
        `Invalid shipped sinkhole entry ${item.value}: ${parsed.problem}`,
      )
    }
    return {
      text: item.value,
      matcher: parsed.matcher,
      list: 'sinkholes',
      source: item.source,
    }
  })
}

function popularDomainEntries(): AllowlistEntry[] {
  const shipped = readShippedList<{
    domain: string
    subdomains: boolean
    category: string
  }>('popular-domains.json')
  return shipped.entries.map((item) => {
    const domain = normalizeDomain(item.domain)
    if (domain === undefined)
      throw new Error(`Invalid shipped popular domain ${item.domain}`)
    return {
      text: item.domain,
      matcher: { kind: 'domain', domain, subdomains: item.subdomains },
      list: 'popular domains',
      source: item.category,
      domainIndicatorsOnly: true,
    }
  })
}
