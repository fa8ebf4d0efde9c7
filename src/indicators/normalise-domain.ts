import { domainToASCII } from 'node:url'

import ipaddr from 'ipaddr.js'

import { IndicatorValueError } from './indicator-value-error.ts'

// RFC 1035 limits a label to 63 octets and a name to 255 octets in wire
// format, length bytes included, which leaves 253 characters in dotted text.
const MAX_LABEL_LENGTH = 63
const MAX_DOMAIN_LENGTH = 253

// Letters, digits, hyphen and underscore. An underscore, or a hyphen at the
// start or end of a label, breaks the letter-digit-hyphen hostname rule.
// DNS still resolves such names and malware uses them, as in dynamic DNS
// names such as `my_host.duckdns.org`, so they are accepted.
const INVALID_LABEL_CHARACTER = /[^a-z0-9_-]/
const DOTTED_IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/

/**
 * Normalises a domain name: lower case, IDN converted to punycode with the
 * WHATWG rules of `node:url` `domainToASCII`, one trailing dot removed. The
 * result has at least two labels of 1 to 63 characters from
 * `[a-z0-9_-]`, a non-numeric last label and at most 253 characters.
 *
 * @throws IndicatorValueError when the value is an IP address or breaks one
 *   of these rules.
 */
export function normaliseDomain(text: string): string {
  rejectIpAddress(text)

  const ascii = domainToASCII(text)
  if (ascii === '') {
    throw new IndicatorValueError(
      `invalid domain "${text}": not a valid host name`,
    )
  }
  // domainToASCII rewrites every IPv4 form (`0x7f.1`, `2130706433`) to
  // dotted decimal, so this also catches IPv4 written in those forms.
  rejectIpAddress(ascii)

  const domain = ascii.endsWith('.') ? ascii.slice(0, -1) : ascii
  checkDomainLength(domain)
  checkLabels(domain)
  return domain
}

function rejectIpAddress(text: string): void {
  const isIpv6 = text.startsWith('[') || ipaddr.IPv6.isValid(text)
  if (isIpv6 || DOTTED_IPV4.test(text.replace(/\.$/, ''))) {
    throw new IndicatorValueError(
      `"${text}" has the form of an IP address, not a domain name`,
    )
  }
}

function checkDomainLength(domain: string): void {
  if (domain.length > MAX_DOMAIN_LENGTH) {
    throw new IndicatorValueError(
      `invalid domain: ${domain.length} characters, the maximum is ${MAX_DOMAIN_LENGTH}`,
    )
  }
}

function checkLabels(domain: string): void {
  const labels = domain.split('.')
  if (labels.length < 2) {
    throw new IndicatorValueError(
      `invalid domain "${domain}": expected at least two labels`,
    )
  }
  for (const label of labels) checkLabel(domain, label)

  const topLevel = labels[labels.length - 1]
  if (/^[0-9]+$/.test(topLevel)) {
    throw new IndicatorValueError(
      `invalid domain "${domain}": the last label is numeric`,
    )
  }
}

function checkLabel(domain: string, label: string): void {
  if (label === '') {
    throw new IndicatorValueError(`invalid domain "${domain}": empty label`)
  }
  if (label.length > MAX_LABEL_LENGTH) {
    throw new IndicatorValueError(
      `invalid domain "${domain}": label of ${label.length} characters, the maximum is ${MAX_LABEL_LENGTH}`,
    )
  }

  const invalid = INVALID_LABEL_CHARACTER.exec(label)
  if (invalid !== null) {
    throw new IndicatorValueError(
      `invalid domain "${domain}": character "${invalid[0]}" is not allowed`,
    )
  }
}
