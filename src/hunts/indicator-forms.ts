import ipaddr from 'ipaddr.js'

import type { Indicator } from '../indicators/indicator.ts'

/** The canonical form of a value and the other forms logs write it in. */
export interface ValueForms {
  canonical: string
  /** Other spellings, without the canonical one and without duplicates. */
  alternates: string[]
}

/**
 * Returns the forms of an IP indicator's address. IPv4 gets its
 * IPv4-mapped IPv6 form (`::ffff:a.b.c.d`) when `ipv4Mapped` is set. IPv6
 * gets its uncompressed forms with and without leading zeros, for logs that
 * do not write RFC 5952 compressed addresses.
 */
export function ipForms(indicator: Indicator, ipv4Mapped: boolean): ValueForms {
  const canonical = indicator.value
  if (indicator.ipVersion === 4) {
    return { canonical, alternates: ipv4Mapped ? [`::ffff:${canonical}`] : [] }
  }

  // NOTE: logs that write IPv6 in upper case, or zero-compress a different
  // run of zeros than RFC 5952 does, are not matched.
  const normalized = ipaddr.IPv6.parse(canonical).toNormalizedString()
  const fixedLength = normalized
    .split(':')
    .map((group) => group.padStart(4, '0'))
    .join(':')
  const spellings = [normalized, fixedLength]
  return { canonical, alternates: distinctExcept(spellings, canonical) }
}

/** Returns `address:port`, the form hunts compare ip:port indicators in. */
export function endpointText(address: string, port: number): string {
  return `${address}:${port}`
}

/**
 * Returns the forms of a URL indicator that a log may hold: the URL itself,
 * with or without the `/` of an empty path, and without its scheme
 * (Defender often logs `host/path`). A URL with an empty path gets no
 * scheme-less form, because that form is the bare host name, and a URL hunt
 * must not match on the host alone. Hunts compare the forms ignoring case.
 */
export function urlForms(indicator: Indicator): ValueForms {
  const canonical = indicator.value
  const withSlashVariant = [canonical]
  if (indicator.url?.pathAndQuery === '/' && canonical.endsWith('/')) {
    withSlashVariant.push(canonical.slice(0, -1))
  }

  const schemePrefix = `${indicator.url?.scheme ?? ''}://`
  const hasPath = (indicator.url?.pathAndQuery ?? '').replace(/^\//, '') !== ''
  const withoutScheme = withSlashVariant
    .filter((form) => hasPath && form.toLowerCase().startsWith(schemePrefix))
    .map((form) => form.slice(schemePrefix.length))
  return {
    canonical,
    alternates: distinctExcept(
      [...withSlashVariant, ...withoutScheme],
      canonical,
    ),
  }
}

function distinctExcept(values: readonly string[], excluded: string): string[] {
  const seen = new Set([excluded.toLowerCase()])
  const result: string[] = []
  for (const value of values) {
    const key = value.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    result.push(value)
  }
  return result
}
