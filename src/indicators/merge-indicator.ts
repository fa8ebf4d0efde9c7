import type { Indicator } from './indicator.ts'
import { uniqueCaseInsensitive, uniqueExact } from './unique-strings.ts'

/**
 * Merges `incoming` into `existing`, two indicators with the same key, and
 * returns a new indicator. First seen is the earliest, last seen the latest
 * reported (undefined when neither has one), confidence the highest.
 * Aliases and tags are unioned ignoring letter case, references exactly,
 * all in first-seen order. Origins are concatenated. `defanged` and
 * `isCompromised` are true when either is. Threat type and malware id come
 * from `existing` when it has them, so the earlier record wins.
 */
export function mergeIndicator(
  existing: Indicator,
  incoming: Indicator,
): Indicator {
  const merged: Indicator = {
    ...existing,
    firstSeen: earliest(existing.firstSeen, incoming.firstSeen),
    confidence: Math.max(existing.confidence, incoming.confidence),
    aliases: uniqueCaseInsensitive([...existing.aliases, ...incoming.aliases]),
    tags: uniqueCaseInsensitive([...existing.tags, ...incoming.tags]),
    references: uniqueExact([...existing.references, ...incoming.references]),
    defanged: existing.defanged || incoming.defanged,
    origins: [...existing.origins, ...incoming.origins],
  }

  const lastSeen = latest(existing.lastSeen, incoming.lastSeen)
  if (lastSeen !== undefined) merged.lastSeen = lastSeen
  const malwareId = existing.malwareId ?? incoming.malwareId
  if (malwareId !== undefined) merged.malwareId = malwareId
  const isCompromised = mergeFlag(
    existing.isCompromised,
    incoming.isCompromised,
  )
  if (isCompromised !== undefined) merged.isCompromised = isCompromised
  return merged
}

// ISO 8601 UTC strings of one fixed width sort in time order.
function earliest(first: string, second: string): string {
  return second < first ? second : first
}

function latest(
  first: string | undefined,
  second: string | undefined,
): string | undefined {
  if (first === undefined) return second
  if (second === undefined) return first
  return second > first ? second : first
}

function mergeFlag(
  first: boolean | undefined,
  second: boolean | undefined,
): boolean | undefined {
  if (first === undefined) return second
  if (second === undefined) return first
  return first || second
}
