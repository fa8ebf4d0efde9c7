import type { UrlParts } from './indicator.ts'
import { IndicatorValueError } from './indicator-value-error.ts'
import { normaliseDomain } from './normalise-domain.ts'
import { parsePort } from './normalise-ip.ts'

/** A normalised URL value and its parts. */
export interface NormalisedUrl {
  value: string
  parts: UrlParts
}

interface Authority {
  /** User info with its `@`, or an empty string. */
  userInfo: string
  host: string
  port?: string
}

// Scheme, `//`, authority, then the rest. The authority ends at `/`, `?`,
// `#` or `\`, because WHATWG URL parsing treats `\` as `/` in http, https,
// ftp, ws and wss URLs.
const URL_SHAPE = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\\]*)(.*)$/is
const SCHEME_PREFIX = /^[a-z][a-z0-9+.-]*:/i
const DOTTED_IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/

// Default ports of the WHATWG URL special schemes that have a host.
const DEFAULT_PORTS = new Map([
  ['http', 80],
  ['https', 443],
  ['ftp', 21],
  ['ws', 80],
  ['wss', 443],
])

/**
 * Normalises a refanged URL. The scheme becomes lower case, the host lower
 * case punycode (or an IP address), and a default port such as `:443` on
 * https is dropped. The path, query and fragment stay exactly as the feed
 * wrote them: percent escapes are not re-encoded and a `\` is not turned
 * into `/`. A special scheme (http, https, ftp, ws, wss) with an empty path
 * gets `/`, as WHATWG URL serialisation does, so that `https://a.example`
 * and `https://a.example/` are one indicator.
 *
 * @throws IndicatorValueError when the scheme, host or port is missing or
 *   invalid, or when the result does not parse as a WHATWG URL.
 */
export function normaliseUrl(text: string): NormalisedUrl {
  const match = URL_SHAPE.exec(text)
  if (match === null) throw new IndicatorValueError(describeShapeError(text))

  const scheme = match[1].toLowerCase()
  const authority = splitAuthority(match[2])
  const host = normaliseUrlHost(authority.host)
  const port = parseUrlPort(authority.port, scheme)
  const pathAndQuery = normalisePath(match[3], scheme)

  const portText = port === undefined ? '' : `:${port}`
  const hostText = host.includes(':') ? `[${host}]` : host
  const value = `${scheme}://${authority.userInfo}${hostText}${portText}${pathAndQuery}`
  if (!URL.canParse(value)) {
    throw new IndicatorValueError(`invalid URL: "${value}" does not parse`)
  }

  const parts: UrlParts = { scheme, host, pathAndQuery }
  if (port !== undefined) parts.port = port
  return { value, parts }
}

function describeShapeError(text: string): string {
  if (SCHEME_PREFIX.test(text)) {
    return 'invalid URL: expected "//" and a host after the scheme'
  }
  return 'invalid URL: missing scheme, expected for example "http://"'
}

function splitAuthority(authority: string): Authority {
  const at = authority.lastIndexOf('@')
  const userInfo = authority.slice(0, at + 1)
  const hostAndPort = authority.slice(at + 1)

  const bracketed = /^(\[[^\]]*\])(?::(.*))?$/s.exec(hostAndPort)
  if (bracketed !== null) {
    return { userInfo, host: bracketed[1], port: bracketed[2] }
  }

  const colon = hostAndPort.lastIndexOf(':')
  if (colon === -1) return { userInfo, host: hostAndPort }
  return {
    userInfo,
    host: hostAndPort.slice(0, colon),
    port: hostAndPort.slice(colon + 1),
  }
}

function normaliseUrlHost(hostText: string): string {
  if (hostText === '') throw new IndicatorValueError('invalid URL: no host')

  // The WHATWG host parser lower-cases, decodes percent escapes, converts
  // IDN to punycode and rewrites every IPv4 form to dotted decimal.
  const probe = `http://${hostText}/`
  if (!URL.canParse(probe)) {
    throw new IndicatorValueError(`invalid URL host "${hostText}"`)
  }

  const hostname = new URL(probe).hostname
  if (hostname.startsWith('[')) return hostname.slice(1, -1)
  if (DOTTED_IPV4.test(hostname)) return hostname
  return normaliseDomain(hostname)
}

function parseUrlPort(
  text: string | undefined,
  scheme: string,
): number | undefined {
  // An empty port (`http://host:/`) means the default port in WHATWG URLs.
  if (text === undefined || text === '') return undefined

  const port = parsePort(text)
  return DEFAULT_PORTS.get(scheme) === port ? undefined : port
}

function normalisePath(rest: string, scheme: string): string {
  const isSpecial = DEFAULT_PORTS.has(scheme)
  const hasPath = rest !== '' && !rest.startsWith('?') && !rest.startsWith('#')
  return isSpecial && !hasPath ? `/${rest}` : rest
}
