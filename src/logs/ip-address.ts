import ipaddr from 'ipaddr.js'

/**
 * Returns an IP address in canonical text: IPv6 compressed and lower-case
 * (RFC 5952), so `2a03:b0c0:0002:00d0:0000:0000:0bd3:4001` and
 * `0:0:0:0:0:0:0:1` match indicators written as `2a03:b0c0:2:d0::bd3:4001`
 * and `::1`. IPv4 and text that is not an IP address come back unchanged.
 */
export function canonicalIp(text: string): string {
  if (!text.includes(':')) return text
  const zone = text.indexOf('%')
  const address = zone < 0 ? text : text.slice(0, zone)
  if (!ipaddr.IPv6.isValid(address)) return text
  return (
    ipaddr.IPv6.parse(address).toString() + (zone < 0 ? '' : text.slice(zone))
  )
}

// Values of Defender's LocalIPType and RemoteIPType columns.
const RANGE_TYPES: Record<string, string> = {
  private: 'Private',
  uniqueLocal: 'Private',
  loopback: 'Loopback',
  linkLocal: 'LinkLocal',
  multicast: 'Multicast',
  broadcast: 'Broadcast',
  ipv4Mapped: 'FourToSixMapping',
  unicast: 'Public',
  global: 'Public',
  teredo: 'Teredo',
}

/**
 * Returns the Defender-style type of an address (Public, Private, Loopback,
 * LinkLocal, Multicast, Broadcast, FourToSixMapping, Teredo or Reserved),
 * or undefined when the text is not an IP address.
 */
export function ipAddressType(text: string): string | undefined {
  if (!ipaddr.isValid(text)) return undefined
  return RANGE_TYPES[ipaddr.parse(text).range()] ?? 'Reserved'
}

/** Returns true for a multicast or broadcast address. */
export function isGroupAddress(text: string): boolean {
  const type = ipAddressType(text)
  return type === 'Multicast' || type === 'Broadcast'
}
