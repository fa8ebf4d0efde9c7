import ipaddr from 'ipaddr.js'

/** A parsed IPv4 or IPv6 address. */
export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6

/** A parsed network: address and prefix length. */
export type IpNetwork = [IpAddress, number]

/**
 * Parses an IP address strictly: IPv4 only in dotted four-part decimal
 * (so `0x7f.1` and `127.1` are not addresses), IPv6 with or without
 * brackets. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is returned as
 * IPv4 so it matches IPv4 ranges. Returns undefined for anything else.
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  const value =
    text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return ipaddr.IPv4.parse(value)
  if (!value.includes(':') || !ipaddr.IPv6.isValid(value)) return undefined

  const address = ipaddr.IPv6.parse(value)
  return address.isIPv4MappedAddress() ? address.toIPv4Address() : address
}

/**
 * Parses `address/prefix` strictly (see {@link parseIpAddress}). Returns
 * undefined when the text is not a CIDR block or the prefix is out of range.
 */
export function parseIpNetwork(text: string): IpNetwork | undefined {
  const slash = text.indexOf('/')
  if (slash < 0) return undefined

  const address = parseIpAddress(text.slice(0, slash))
  const prefixText = text.slice(slash + 1)
  if (!address || !/^\d{1,3}$/.test(prefixText)) return undefined

  const prefix = Number(prefixText)
  const maxPrefix = address.kind() === 'ipv4' ? 32 : 128
  return prefix <= maxPrefix ? [address, prefix] : undefined
}

/** True when `address` lies in `network`; false across IPv4 and IPv6. */
export function ipInNetwork(address: IpAddress, network: IpNetwork): boolean {
  if (address.kind() !== network[0].kind()) return false
  return address.match(network)
}
