import ipaddr from 'ipaddr.js'

import { IndicatorValueError } from './indicator-value-error.ts'

/** A normalised IP address with the port a feed gave, if any. */
export interface IpEndpoint {
  /** Dotted-decimal IPv4, or compressed lower-case IPv6 (RFC 5952). */
  address: string
  version: 4 | 6
  /** Port from 1 to 65535, undefined when the value had none. */
  port?: number
}

interface HostAndPort {
  host: string
  port?: string
}

/**
 * Parses an IP address with an optional port: `203.0.113.9:8080`,
 * `203.0.113.9`, `[2001:db8::1]:8080` or a bare `2001:db8::1`. An unbracketed
 * value with two or more colons is a whole IPv6 address, because splitting
 * at a colon would cut the address. IPv4-mapped IPv6 becomes the IPv4
 * address.
 *
 * @throws IndicatorValueError when the address or port is invalid.
 */
export function normaliseIpEndpoint(text: string): IpEndpoint {
  const { host, port } = splitHostAndPort(text)
  const address = normaliseIpAddress(host)
  if (port === undefined) return address

  return { ...address, port: parsePort(port) }
}

/**
 * Normalises a bare IPv4 or IPv6 address. IPv4 must be four decimal octets
 * from 0 to 255 without leading zeros, because the other forms that
 * `inet_aton` accepts (`0x7f.1`, `010.0.0.1`) read differently in different
 * tools. IPv6 zone ids such as `%eth0` are rejected, because they only mean
 * something on one host.
 *
 * @throws IndicatorValueError naming the part that is invalid.
 */
export function normaliseIpAddress(host: string): IpEndpoint {
  if (host === '') throw new IndicatorValueError('IP address is missing')
  if (host.includes(':')) return normaliseIpv6(host)

  checkIpv4Octets(host)
  return { address: host, version: 4 }
}

function splitHostAndPort(text: string): HostAndPort {
  if (text.startsWith('[')) return splitBracketedHost(text)

  const colonCount = text.split(':').length - 1
  if (colonCount !== 1) return { host: text }

  const colon = text.indexOf(':')
  return { host: text.slice(0, colon), port: text.slice(colon + 1) }
}

function splitBracketedHost(text: string): HostAndPort {
  const match = /^\[([^\]]*)\](?::(.*))?$/s.exec(text)
  if (match === null) {
    throw new IndicatorValueError(
      'invalid bracketed IP address: expected [IPv6] or [IPv6]:port',
    )
  }
  if (!match[1].includes(':')) {
    throw new IndicatorValueError(
      `invalid bracketed IP address: brackets are only used around IPv6, found "${match[1]}"`,
    )
  }
  return { host: match[1], port: match[2] }
}

function normaliseIpv6(host: string): IpEndpoint {
  if (host.includes('%')) {
    throw new IndicatorValueError(
      `invalid IPv6 address "${host}": zone ids are not supported`,
    )
  }
  if (!ipaddr.IPv6.isValid(host)) {
    throw new IndicatorValueError(`invalid IPv6 address "${host}"`)
  }

  const address = ipaddr.IPv6.parse(host)
  if (address.isIPv4MappedAddress()) {
    return { address: address.toIPv4Address().toString(), version: 4 }
  }
  return { address: address.toRFC5952String(), version: 6 }
}

function checkIpv4Octets(host: string): void {
  if (!/^[0-9.]+$/.test(host)) {
    throw new IndicatorValueError(
      `invalid IP address "${host}": not an IPv4 or IPv6 address`,
    )
  }

  const octets = host.split('.')
  if (octets.length !== 4) {
    throw new IndicatorValueError(
      `invalid IPv4 address "${host}": expected 4 octets, found ${octets.length}`,
    )
  }
  for (const octet of octets) checkIpv4Octet(host, octet)
}

function checkIpv4Octet(host: string, octet: string): void {
  if (octet === '') {
    throw new IndicatorValueError(`invalid IPv4 address "${host}": empty octet`)
  }
  if (octet.length > 1 && octet.startsWith('0')) {
    throw new IndicatorValueError(
      `invalid IPv4 address "${host}": octet ${octet} has a leading zero`,
    )
  }
  if (Number(octet) > 255) {
    throw new IndicatorValueError(
      `invalid IPv4 address "${host}": octet ${octet} is greater than 255`,
    )
  }
}

/**
 * Parses a decimal port from 1 to 65535.
 *
 * @throws IndicatorValueError for anything else, including an empty port.
 */
export function parsePort(text: string): number {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : Number.NaN
  if (port >= 1 && port <= 65535) return port

  throw new IndicatorValueError(
    `invalid port "${text}": expected a number from 1 to 65535`,
  )
}
