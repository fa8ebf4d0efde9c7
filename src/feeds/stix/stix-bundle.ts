import { buildFeedRecord, type FeedRecordFields } from '../build-feed-record.ts'
import type { FeedRecord } from '../feed-record.ts'
import type { FeedSource } from '../feed-source.ts'
import {
  booleanOf,
  describeJsonType,
  isJsonObject,
  textOf,
} from '../threatfox/threatfox-fields.ts'
import { readCyberObservable } from './read-cyber-observable.ts'
import {
  familyOf,
  findIndicatorFamilies,
  indexStixBundle,
  stringsOf,
  type StixBundleIndex,
  type StixFamily,
} from './stix-bundle-index.ts'
import { parseStixPattern } from './stix-pattern-parser.ts'
import {
  readPatternObservables,
  type PatternContent,
} from './stix-pattern-observables.ts'
import { StixPatternSyntaxError } from './stix-pattern-syntax-error.ts'

/** Feed name written into every origin of a STIX record. */
export const STIX_FEED = 'stix'

/**
 * Confidence (0-100) of an indicator or malware without `confidence`.
 * In STIX 2.1 such content has an unspecified confidence, so it gets 50,
 * the Med value of the None/Low/Med/High scale of STIX 2.1 Appendix A.
 * With `--min-confidence` above 50 it is rejected with the reason.
 */
export const STIX_DEFAULT_CONFIDENCE = 50

/** A STIX bundle: `{"type": "bundle", "objects": [...]}`. */
export interface StixBundle {
  type: 'bundle'
  objects: unknown[]
}

type JsonObject = Record<string, unknown>

// Relationships from a malware or tool to the observables it uses, and the
// ThreatFox threat type of those observables.
const LINKED_OBSERVABLE_THREAT_TYPES = new Map([
  ['communicates-with', 'botnet_cc'],
  ['downloads', 'payload'],
  ['drops', 'payload'],
])

const HASH_FEED_TYPES = new Set(['md5_hash', 'sha1_hash', 'sha256_hash'])

const OBSERVED_DATA_PROBLEM =
  'observed-data records what was seen, not what is malicious: STIX puts detection content in indicator objects'

/** Tells whether parsed JSON is a STIX 2.0 or 2.1 bundle. */
export function isStixBundle(json: unknown): json is StixBundle {
  return (
    isJsonObject(json) && json.type === 'bundle' && Array.isArray(json.objects)
  )
}

/**
 * Reads the indicators of a STIX bundle, one record per indicator and
 * family, in the order of the objects:
 *
 * - `indicator` with a STIX pattern (`pattern_type` "stix", or none as in
 *   STIX 2.0): the indicators of {@link readPatternObservables}, and a
 *   record with a `problem` for each part of the pattern it cannot hunt.
 *   A revoked indicator, another pattern type or an invalid pattern is one
 *   record with a `problem`. Family: see {@link findIndicatorFamilies}.
 *   Confidence: `confidence`, else {@link STIX_DEFAULT_CONFIDENCE}. First
 *   seen: `valid_from`, else `created`. Last seen: `modified`, the last
 *   time the producer stated the indicator, or `valid_until` when that is
 *   earlier, because the indicator stopped being valid then. A
 *   `valid_until` alone is not a sighting, so it is not last seen.
 * - `malware` and `tool`: the observables in `sample_refs` and those it
 *   `communicates-with`, `downloads` or `drops` by relationship, with that
 *   family, its `first_seen` (else `created`) and its `last_seen` (else
 *   `modified`).
 * - `observed-data`: the observables it refers to, each with a `problem`,
 *   because observed data is not detection content (MISP exports
 *   attributes not marked for detection this way).
 *
 * Other objects are context and yield no record. Labels become tags and
 * the URLs of `external_references` references. The record id is the id
 * of the indicator, malware or observable.
 */
export function readStixBundle(
  bundle: StixBundle,
  source: FeedSource,
): FeedRecord[] {
  const index = indexStixBundle(bundle.objects)
  const records: FeedRecord[] = []
  for (const [position, object] of bundle.objects.entries()) {
    for (const record of readObject(object, position, index, source)) {
      records.push(record)
    }
  }
  return records
}

function readObject(
  object: unknown,
  position: number,
  index: StixBundleIndex,
  source: FeedSource,
): FeedRecord[] {
  const fallbackId = `object ${position + 1}`
  if (!isJsonObject(object)) {
    const problem = `${fallbackId} is ${describeJsonType(object)}, expected a JSON object`
    return [buildFeedRecord(STIX_FEED, source, fallbackId, { problem })]
  }

  const id = textOf(object.id) ?? fallbackId
  switch (textOf(object.type)) {
    case 'indicator':
      return readIndicator(object, id, index, source)
    case 'malware':
    case 'tool':
      return readFamilyObservables(object, index, source)
    case 'observed-data':
      return readObservedData(object, index, source)
    default:
      return []
  }
}

function readIndicator(
  indicator: JsonObject,
  id: string,
  index: StixBundleIndex,
  source: FeedSource,
): FeedRecord[] {
  const fields: FeedRecordFields = {
    ...describedFields(indicator),
    firstSeen: textOf(indicator.valid_from) ?? textOf(indicator.created),
  }
  const pattern = textOf(indicator.pattern) ?? ''
  const reject = (problem: string) => [
    buildFeedRecord(STIX_FEED, source, id, {
      ...fields,
      value: pattern,
      problem,
    }),
  ]

  if (booleanOf(indicator.revoked) === true) {
    return reject('the indicator is revoked')
  }
  const patternType = textOf(indicator.pattern_type) ?? 'stix'
  if (patternType !== 'stix') {
    return reject(
      `pattern_type "${patternType}" is not supported: huntpack reads STIX patterns`,
    )
  }
  if (pattern === '') return reject('the indicator has no pattern')

  let content: PatternContent
  try {
    content = readPatternObservables(parseStixPattern(pattern), pattern)
  } catch (error) {
    if (!(error instanceof StixPatternSyntaxError)) throw error
    return reject(`invalid STIX pattern: ${error.message}`)
  }

  const families = findIndicatorFamilies(indicator, index)
  return contentRecords(content, families, fields, id, source)
}

function readFamilyObservables(
  family: JsonObject,
  index: StixBundleIndex,
  source: FeedSource,
): FeedRecord[] {
  const familyId = textOf(family.id) ?? ''
  const fields: FeedRecordFields = {
    ...describedFields(family),
    firstSeen: textOf(family.first_seen) ?? textOf(family.created),
    lastSeen: textOf(family.last_seen) ?? lastSeenOf(family),
  }
  const links: Array<[string, string]> = stringsOf(family.sample_refs).map(
    (ref) => [ref, 'payload'],
  )
  for (const relationship of index.relationshipsBySource.get(familyId) ?? []) {
    const threatType = LINKED_OBSERVABLE_THREAT_TYPES.get(
      textOf(relationship.relationship_type) ?? '',
    )
    const target = textOf(relationship.target_ref)
    if (threatType !== undefined && target !== undefined) {
      links.push([target, threatType])
    }
  }

  const familyName = familyOf(family)
  const families = familyName === undefined ? [] : [familyName]
  return links.flatMap(([ref, threatType]) => {
    const content = readReferencedObservable(ref, index)
    const linkedFields = { ...fields, threatType }
    return contentRecords(content, families, linkedFields, ref, source)
  })
}

function readObservedData(
  observedData: JsonObject,
  index: StixBundleIndex,
  source: FeedSource,
): FeedRecord[] {
  const fields = describedFields(observedData)
  return stringsOf(observedData.object_refs).flatMap((ref) => {
    const object = index.objects.get(ref)
    if (object === undefined) return []
    return readCyberObservable(object).observables.map((observable) =>
      buildFeedRecord(STIX_FEED, source, ref, {
        ...fields,
        ...observable,
        problem: OBSERVED_DATA_PROBLEM,
      }),
    )
  })
}

function readReferencedObservable(
  ref: string,
  index: StixBundleIndex,
): PatternContent {
  const object = index.objects.get(ref)
  if (object !== undefined) return readCyberObservable(object)
  return {
    observables: [],
    problems: [
      { text: ref, problem: `the object ${ref} is not in the bundle` },
    ],
  }
}

// One record per observable and family, and one per problem.
function contentRecords(
  content: PatternContent,
  families: StixFamily[],
  fields: FeedRecordFields,
  id: string,
  source: FeedSource,
): FeedRecord[] {
  const recordFamilies = families.length === 0 ? [undefined] : families
  const records = content.observables.flatMap((observable) =>
    recordFamilies.map((family) =>
      buildFeedRecord(STIX_FEED, source, id, {
        ...fields,
        ...observable,
        family: family?.name,
        aliases: family?.aliases ?? [],
        threatType:
          fields.threatType ??
          (HASH_FEED_TYPES.has(observable.feedType) ? 'payload' : undefined),
      }),
    ),
  )
  for (const { text, problem } of content.problems) {
    records.push(
      buildFeedRecord(STIX_FEED, source, id, {
        ...fields,
        value: text,
        problem,
      }),
    )
  }
  return records
}

// Fields every STIX domain object may have: confidence, last seen, labels
// and external references.
function describedFields(object: JsonObject): FeedRecordFields {
  return {
    confidence: confidenceOf(object.confidence),
    lastSeen: lastSeenOf(object),
    tags: stringsOf(object.labels),
    references: referencesOf(object.external_references),
  }
}

function confidenceOf(value: unknown): number | string {
  if (typeof value === 'number') return value
  return textOf(value) ?? STIX_DEFAULT_CONFIDENCE
}

function lastSeenOf(object: JsonObject): string | undefined {
  const modified = textOf(object.modified)
  const validUntil = textOf(object.valid_until)
  if (modified === undefined) return undefined
  if (
    validUntil !== undefined &&
    Date.parse(validUntil) < Date.parse(modified)
  ) {
    return validUntil
  }
  return modified
}

function referencesOf(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value.flatMap((reference) => {
    const url = isJsonObject(reference) ? textOf(reference.url) : undefined
    return url === undefined ? [] : [url]
  })
}
