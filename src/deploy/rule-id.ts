import { createHash } from 'node:crypto'

/**
 * Namespace of every name-based GUID huntpack derives. It is fixed so that
 * the same rule gets the same id on every run and every machine; changing
 * it would make Sentinel treat every deployed rule as new.
 */
export const HUNTPACK_ID_NAMESPACE = 'd85080e4-1ba7-4322-817a-1ce1d51c61e9'

/** The parts that identify one generated analytics rule or hunting query. */
export interface RuleIdentity {
  family: string
  table: string
  observable: string
  /** Chunk number, 1-based; 0 for content that is not chunked. */
  chunk: number
  /** Content kind, for example `scheduled`, `watchlist` or `hunting`. */
  kind: string
}

/**
 * Returns a name-based UUID (version 5, RFC 4122 section 4.3) for `name` in
 * `namespace`: the SHA-1 of the namespace bytes followed by the UTF-8 name,
 * with the version and variant bits set.
 */
export function uuidV5(name: string, namespace: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex')
  if (namespaceBytes.length !== 16) {
    throw new Error(`invalid namespace UUID ${JSON.stringify(namespace)}`)
  }
  const hash = createHash('sha1')
    .update(namespaceBytes)
    .update(name, 'utf8')
    .digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join('-')
}

/**
 * Returns the stable GUID of one generated rule or query: the same family,
 * table, observable, chunk and kind always give the same id, so redeploying
 * updates the rule in place instead of adding a copy.
 */
export function ruleId(identity: RuleIdentity): string {
  const name = [
    identity.kind,
    identity.family,
    identity.table,
    identity.observable,
    String(identity.chunk),
  ].join('\u001f')
  return uuidV5(name, HUNTPACK_ID_NAMESPACE)
}
