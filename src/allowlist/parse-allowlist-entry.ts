import { domainToASCII } from 'node:url'
import type { AllowlistEntryMatcher } from './allowlist-entry.ts'
import { parseIpAddress, parseIpNetwork } from './ip-address.ts'

/** Label syntax of a host name (RFC 1123), with `_` allowed as DNS data often has it. */
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/

/**
 * Parses one allow-list value: an IPv4 or IPv6 address, a CIDR block, or a
 * domain name (IDN names are converted to punycode, a trailing dot is
 * dropped). A domain entry covers its subdomains.
 *
 * Returns the matcher, or a sentence saying why the value is invalid.
 */
export function parseAllowlistEntry(
  text: string,
): { matcher: AllowlistEntryMatcher } | { problem: string } {
  if (text.includes('/')) {
    const network = parseIpNetwork(text)
    if (network) return { matcher: { kind: 'network', network } }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
      return {
        problem: 'URLs are not allowed; write the host name or IP address',
      }
    }
    return {
      problem:
        'invalid CIDR block (expected an address, "/" and a prefix length)',
    }
  }

  const address = parseIpAddress(text)
  if (address) return { matcher: { kind: 'ip', address } }
  if (/^[\d.]+:\d+$/.test(text) || /^\[.*\]:\d+$/.test(text)) {
    return {
      problem:
        'ports are not allowed; an IP entry covers every port of that address',
    }
  }
  if (/^[\d.]+$/.test(text)) return { problem: 'invalid IPv4 address' }
  if (text.includes(':')) return { problem: 'invalid IPv6 address' }
  if (text.startsWith('*.')) {
    return {
      problem: `wildcards are not allowed; write "${text.slice(2)}", which covers its subdomains`,
    }
  }

  const domain = normalizeDomain(text)
  if (domain === undefined) return { problem: 'invalid domain name' }
  return { matcher: { kind: 'domain', domain, subdomains: true } }
}

/**
 * Lower-cases a host name, drops one trailing dot and converts IDN labels to
 * punycode. Returns undefined when the result is not a valid host name.
 */
export function normalizeDomain(text: string): string | undefined {
  const trimmed = text.endsWith('.') ? text.slice(0, -1) : text
  const ascii = domainToASCII(trimmed.toLowerCase())
  if (ascii === '' || ascii.length > 253) return undefined
  return ascii.split('.').every((label) => LABEL.test(label))
    ? ascii
    : undefined
}
