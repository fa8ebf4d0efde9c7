/**
 * Address ranges that are never a real attacker endpoint on the internet:
 * private, loopback, link-local, shared (CGNAT), documentation and other
 * special-purpose blocks. An indicator in one of them is allow-listed,
 * because hunting it matches internal traffic or nothing.
 *
 * Each block and its purpose comes from the IANA IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890) and the RFC named per entry.
 * Callers choose categories, so tests that use documentation addresses can
 * leave `documentation` out.
 */

/** Group of reserved ranges that can be switched on or off together. */
export type ReservedRangeCategory =
  | 'this-network'
  | 'private'
  | 'cgnat'
  | 'loopback'
  | 'link-local'
  | 'ietf-protocol'
  | 'documentation'
  | 'benchmarking'
  | 'multicast'
  | 'reserved'

/** One reserved block with its category and the standard that defines it. */
export interface ReservedRange {
  cidr: string
  category: ReservedRangeCategory
  /** Purpose and defining RFC, shown in allow-list reports. */
  source: string
}

export const RESERVED_RANGE_CATEGORIES: readonly ReservedRangeCategory[] = [
  'this-network',
  'private',
  'cgnat',
  'loopback',
  'link-local',
  'ietf-protocol',
  'documentation',
  'benchmarking',
  'multicast',
  'reserved',
]

export const RESERVED_RANGES: readonly ReservedRange[] = [
  {
    cidr: '0.0.0.0/8',
    category: 'this-network',
    source: '"this network", RFC 791 section 3.2',
  },
  { cidr: '10.0.0.0/8', category: 'private', source: 'private use, RFC 1918' },
  {
    cidr: '172.16.0.0/12',
    category: 'private',
    source: 'private use, RFC 1918',
  },
  {
    cidr: '192.168.0.0/16',
    category: 'private',
    source: 'private use, RFC 1918',
  },
  {
    cidr: '100.64.0.0/10',
    category: 'cgnat',
    source: 'shared address space (CGNAT), RFC 6598',
  },
  {
    cidr: '127.0.0.0/8',
    category: 'loopback',
    source: 'loopback, RFC 1122 section 3.2.1.3',
  },
  {
    cidr: '169.254.0.0/16',
    category: 'link-local',
    source: 'link-local, RFC 3927',
  },
  {
    cidr: '192.0.0.0/24',
    category: 'ietf-protocol',
    source: 'IETF protocol assignments, RFC 6890',
  },
  {
    cidr: '192.0.2.0/24',
    category: 'documentation',
    source: 'documentation (TEST-NET-1), RFC 5737',
  },
  {
    cidr: '198.51.100.0/24',
    category: 'documentation',
    source: 'documentation (TEST-NET-2), RFC 5737',
  },
  {
    cidr: '203.0.113.0/24',
    category: 'documentation',
    source: 'documentation (TEST-NET-3), RFC 5737',
  },
  {
    cidr: '198.18.0.0/15',
    category: 'benchmarking',
    source: 'benchmarking, RFC 2544',
  },
  { cidr: '224.0.0.0/4', category: 'multicast', source: 'multicast, RFC 5771' },
  {
    cidr: '240.0.0.0/4',
    category: 'reserved',
    source:
      'reserved for future use, RFC 1112 section 4; includes broadcast 255.255.255.255, RFC 919',
  },
  {
    cidr: '::/128',
    category: 'this-network',
    source: 'unspecified address, RFC 4291',
  },
  { cidr: '::1/128', category: 'loopback', source: 'loopback, RFC 4291' },
  {
    cidr: 'fc00::/7',
    category: 'private',
    source: 'unique local addresses, RFC 4193',
  },
  {
    cidr: 'fe80::/10',
    category: 'link-local',
    source: 'link-local unicast, RFC 4291',
  },
  {
    cidr: '2001:db8::/32',
    category: 'documentation',
    source: 'documentation, RFC 3849',
  },
  {
    cidr: '3fff::/20',
    category: 'documentation',
    source: 'documentation, RFC 9637',
  },
  {
    cidr: '100::/64',
    category: 'reserved',
    source: 'discard-only prefix, RFC 6666',
  },
  { cidr: 'ff00::/8', category: 'multicast', source: 'multicast, RFC 4291' },
]

/** Error for a category name that {@link parseReservedRangeCategories} does not know. */
export class ReservedRangeCategoryError extends Error {
  constructor(readonly value: string) {
    super(
      `Unknown reserved-range category "${value}". Use a comma-separated list of ` +
        `${RESERVED_RANGE_CATEGORIES.join(', ')}, or "all" or "none".`,
    )
    this.name = 'ReservedRangeCategoryError'
  }
}

/**
 * Parses a comma-separated category list as given on the command line:
 * `all`, `none`, or category names, optionally prefixed with `-` to remove
 * one from all (`-documentation`). Throws {@link ReservedRangeCategoryError}.
 */
export function parseReservedRangeCategories(
  text: string,
): ReservedRangeCategory[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')

  if (items.length === 1 && items[0] === 'all')
    return [...RESERVED_RANGE_CATEGORIES]
  if (items.length === 1 && items[0] === 'none') return []

  const removals = items
    .filter((item) => item.startsWith('-'))
    .map((item) => item.slice(1))
  const additions = items.filter((item) => !item.startsWith('-'))
  for (const item of [...removals, ...additions]) {
    if (!RESERVED_RANGE_CATEGORIES.includes(item as ReservedRangeCategory)) {
      throw new ReservedRangeCategoryError(item)
    }
  }

  const start = additions.length > 0 ? additions : RESERVED_RANGE_CATEGORIES
  return RESERVED_RANGE_CATEGORIES.filter(
    (category) => start.includes(category) && !removals.includes(category),
  )
}
