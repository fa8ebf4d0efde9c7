import { isJsonObject, textOf } from '../threatfox/threatfox-fields.ts'
import {
  singleAddress,
  type PatternContent,
  type PatternObservable,
} from './stix-pattern-observables.ts'

type JsonObject = Record<string, unknown>

const VALUE_TYPES = new Map([
  ['ipv4-addr', 'ip'],
  ['ipv6-addr', 'ip'],
  ['domain-name', 'domain'],
  ['url', 'url'],
])

// STIX hash names (`MD5`, `SHA-1`, `SHA-256` in hashing-algorithm-ov),
// compared without hyphens so that `SHA256` reads too.
const HASH_TYPES = new Map([
  ['MD5', 'md5_hash'],
  ['SHA1', 'sha1_hash'],
  ['SHA256', 'sha256_hash'],
])

/**
 * Reads the indicators of one STIX Cyber-observable Object: the `value` of
 * an `ipv4-addr`, `ipv6-addr`, `domain-name` or `url`, and the MD5, SHA-1
 * and SHA-256 `hashes` of a `file` or `artifact`. Any other object, a CIDR
 * range wider than one address, or a file without those hashes yields a
 * problem instead. The text of a problem is the object id.
 */
export function readCyberObservable(object: JsonObject): PatternContent {
  const type = textOf(object.type) ?? ''
  const text = textOf(object.id) ?? type
  const problem = (reason: string): PatternContent => ({
    observables: [],
    problems: [{ text, problem: reason }],
  })

  const feedType = VALUE_TYPES.get(type)
  if (feedType !== undefined) {
    const value = textOf(object.value) ?? ''
    const address = feedType === 'ip' ? singleAddress(value) : value
    if (address === undefined) {
      return problem(
        `the CIDR range "${value}" is not supported: huntpack hunts single IP addresses`,
      )
    }
    return { observables: [{ feedType, value: address }], problems: [] }
  }

  if (type === 'file' || type === 'artifact') {
    const observables = hashObservables(object.hashes)
    if (observables.length > 0) return { observables, problems: [] }
    return problem(`the ${type} has no MD5, SHA-1 or SHA-256 hash`)
  }
  return problem(
    `STIX object type "${type}" is not an indicator type huntpack reads`,
  )
}

function hashObservables(hashes: unknown): PatternObservable[] {
  if (!isJsonObject(hashes)) return []
  const observables: PatternObservable[] = []
  for (const [algorithm, value] of Object.entries(hashes)) {
    const feedType = HASH_TYPES.get(
      algorithm.toUpperCase().replace(/[-_]/g, ''),
    )
    const text = textOf(value)
    if (feedType !== undefined && text !== undefined) {
      observables.push({ feedType, value: text })
    }
  }
  return observables
}
