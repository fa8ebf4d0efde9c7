import { joinIpAndPort } from '../build-feed-record.ts'

/** One observable in the value of a MISP attribute. */
export interface MispObservable {
  /** ThreatFox type name, such as `ip:port` or `sha1_hash`. */
  feedType: string
  value: string
}

/** The observables of one attribute value, or why it has none. */
export type MispAttributeValue =
  | { observables: MispObservable[]; problem?: undefined }
  | { observables?: undefined; problem: string }

type ValueReader = (value: string) => MispAttributeValue

// Types whose value is one observable of a ThreatFox type.
const SINGLE_VALUE_TYPES = new Map([
  ['ip-dst', 'ip'],
  ['ip-src', 'ip'],
  ['domain', 'domain'],
  ['hostname', 'domain'],
  ['url', 'url'],
  ['md5', 'md5_hash'],
  ['sha1', 'sha1_hash'],
  ['sha256', 'sha256_hash'],
])

// `malware-sample` is `filename|md5`, the MD5 of an uploaded sample.
const FILENAME_HASH_TYPES = new Map([
  ['filename|md5', 'md5_hash'],
  ['filename|sha1', 'sha1_hash'],
  ['filename|sha256', 'sha256_hash'],
  ['malware-sample', 'md5_hash'],
])

// In the order of the list in messages: addresses, domains, URLs, hashes.
const VALUE_READERS = new Map<string, ValueReader>([
  ['ip-dst', (value) => single('ip-dst', value)],
  ['ip-src', (value) => single('ip-src', value)],
  ['ip-dst|port', (value) => ipAndPort('ip-dst|port', value)],
  ['ip-src|port', (value) => ipAndPort('ip-src|port', value)],
  ['domain', (value) => single('domain', value)],
  ['hostname', (value) => single('hostname', value)],
  ['domain|ip', domainAndIp],
  ['url', (value) => single('url', value)],
  ['md5', (value) => single('md5', value)],
  ['sha1', (value) => single('sha1', value)],
  ['sha256', (value) => single('sha256', value)],
  ...[...FILENAME_HASH_TYPES.keys()].map((type): [string, ValueReader] => [
    type,
    (value) => filenameHash(type, value),
  ]),
])

/** MISP attribute types that hold indicators huntpack hunts. */
export const MISP_INDICATOR_TYPES = [...VALUE_READERS.keys()]

/** Tells whether huntpack reads attributes of this MISP type. */
export function isMispIndicatorType(type: string): boolean {
  return VALUE_READERS.has(type)
}

/**
 * Splits the value of a MISP attribute of an indicator type into its
 * observables: `domain|ip` gives a domain and an IP, `ip-dst|port` one
 * `ip:port`, and `filename|sha1` the hash without the file name. An IP
 * address with a CIDR prefix has no observable, because huntpack hunts
 * single addresses.
 *
 * @throws RangeError when `type` is not one of {@link MISP_INDICATOR_TYPES}.
 */
export function readMispAttributeValue(
  type: string,
  value: string,
): MispAttributeValue {
  const reader = VALUE_READERS.get(type)
  if (reader === undefined) {
    throw new RangeError(`MISP attribute type "${type}" is not read`)
  }
  return reader(value)
}

function single(type: string, value: string): MispAttributeValue {
  const feedType = SINGLE_VALUE_TYPES.get(type) ?? ''
  if (feedType === 'ip' && value.includes('/')) return cidrProblem(value)
  return { observables: [{ feedType, value }] }
}

function filenameHash(type: string, value: string): MispAttributeValue {
  const feedType = FILENAME_HASH_TYPES.get(type) ?? ''
  // A file name may contain `|`, a hash never does.
  const bar = value.lastIndexOf('|')
  if (bar === -1) return missingBarProblem(type)
  return { observables: [{ feedType, value: value.slice(bar + 1) }] }
}

function ipAndPort(type: string, value: string): MispAttributeValue {
  const bar = value.lastIndexOf('|')
  if (bar === -1) return missingBarProblem(type)

  const ip = value.slice(0, bar)
  if (ip.includes('/')) return cidrProblem(ip)
  const ipPort = joinIpAndPort(ip, value.slice(bar + 1))
  return { observables: [{ feedType: 'ip:port', value: ipPort }] }
}

function domainAndIp(value: string): MispAttributeValue {
  const bar = value.indexOf('|')
  if (bar === -1) return missingBarProblem('domain|ip')

  const ip = value.slice(bar + 1)
  if (ip.includes('/')) return cidrProblem(ip)
  return {
    observables: [
      { feedType: 'domain', value: value.slice(0, bar) },
      { feedType: 'ip', value: ip },
    ],
  }
}

function missingBarProblem(type: string): MispAttributeValue {
  return {
    problem: `invalid ${type} value: expected two parts separated by "|"`,
  }
}

function cidrProblem(ip: string): MispAttributeValue {
  return {
    problem: `CIDR range "${ip}" is not supported: huntpack hunts single IP addresses`,
  }
}
