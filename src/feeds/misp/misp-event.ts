import { buildFeedRecord, type FeedRecordFields } from '../build-feed-record.ts'
import type { FeedRecord } from '../feed-record.ts'
import type { FeedSource } from '../feed-source.ts'
import {
  booleanOf,
  describeJsonType,
  isJsonObject,
  textOf,
} from '../threatfox/threatfox-fields.ts'
import {
  isMispIndicatorType,
  MISP_INDICATOR_TYPES,
  readMispAttributeValue,
} from './misp-attribute-value.ts'
import {
  findInfoTagFamily,
  readMispFamilies,
  tagNamesOf,
  type MispFamily,
} from './misp-family.ts'
import { confidenceOfMispTags } from './misp-tag-confidence.ts'

/** Feed name written into every origin of a MISP record. */
export const MISP_FEED = 'misp'

/**
 * Confidence (0-100) of a MISP attribute without an estimative-language
 * confidence tag on it or its event. MISP has no confidence field, so it is
 * 50, the Med value of the STIX 2.1 confidence scale, as for a STIX
 * indicator without `confidence`.
 */
export const MISP_DEFAULT_CONFIDENCE = 50

type JsonObject = Record<string, unknown>

interface EventContext {
  /** 1-based position of the event in the file. */
  number: number
  event: JsonObject
  families: MispFamily[]
  infoFamily?: string
  tags: string[]
}

interface ObjectContext {
  object: JsonObject
  /** The one port attribute of an `ip-port` or `domain-ip` object. */
  portAttribute?: JsonObject
}

// MISP objects whose port attribute belongs to their destination address.
const ADDRESS_AND_PORT_OBJECTS = new Set(['ip-port', 'domain-ip'])
const PORT_RELATIONS = new Set(['dst-port', 'port'])

const HASH_FEED_TYPES = new Set(['md5_hash', 'sha1_hash', 'sha256_hash'])

/**
 * Finds the events of a MISP JSON export: one `{"Event": {...}}`, a list of
 * them, or a REST search result `{"response": [{"Event": {...}}, ...]}`.
 * Returns undefined when the JSON has none of these shapes.
 */
export function findMispEvents(json: unknown): JsonObject[] | undefined {
  if (isJsonObject(json) && isJsonObject(json.Event)) return [json.Event]

  let list: unknown = json
  if (isJsonObject(json) && Array.isArray(json.response)) list = json.response
  if (!Array.isArray(list) || list.length === 0) return undefined

  const events = list.map((item) =>
    isJsonObject(item) && isJsonObject(item.Event) ? item.Event : undefined,
  )
  if (events.some((event) => event === undefined)) return undefined
  return events as JsonObject[]
}

/**
 * Reads the attributes of MISP events, both those of the event and those
 * inside its objects, one record per observable and family:
 *
 * - Types read: ip-dst, ip-src, ip-dst|port, ip-src|port, domain, hostname,
 *   domain|ip (a domain and an IP record), url, md5, sha1, sha256,
 *   filename|md5, filename|sha1, filename|sha256 and malware-sample. In an
 *   `ip-port` or `domain-ip` object with exactly one port attribute, each
 *   ip-dst becomes `ip:port` with that port.
 * - Attributes of other types, with `to_ids` false, or deleted become
 *   records with a `problem`, so that they are reported and never hunted:
 *   an attribute not marked for detection is context, such as a victim
 *   address.
 * - Family: the family galaxies of the attribute, else of the event, else
 *   a plain event tag found in the event info ({@link findInfoTagFamily}),
 *   else none (Unknown malware). An attribute with two families becomes a
 *   record for each.
 * - First seen: `first_seen` of the attribute, else of its object, else the
 *   attribute's `timestamp` (its last change), else the event's. Last seen:
 *   `last_seen` of the attribute or its object.
 * - Confidence: an estimative-language tag on the attribute or event (see
 *   {@link confidenceOfMispTags}), else {@link MISP_DEFAULT_CONFIDENCE}.
 * - Threat type: `payload` for hashes, `payload_delivery` for the category
 *   Payload delivery, `botnet_cc` for addresses and domains under Network
 *   activity, else none (unknown).
 *
 * The record id is the attribute uuid, else its id, else
 * `event N attribute M` (1-based).
 */
export function readMispEvents(
  events: JsonObject[],
  source: FeedSource,
): FeedRecord[] {
  const records: FeedRecord[] = []
  for (const [index, event] of events.entries()) {
    const context: EventContext = {
      number: index + 1,
      event,
      families: readMispFamilies(event),
      infoFamily: findInfoTagFamily(event),
      tags: tagNamesOf(event),
    }
    for (const record of readEvent(context, source)) records.push(record)
  }
  return records
}

function readEvent(context: EventContext, source: FeedSource): FeedRecord[] {
  const records: FeedRecord[] = []
  const attributes = listOf(context.event.Attribute)
  for (const [index, attribute] of attributes.entries()) {
    const position = `event ${context.number} attribute ${index + 1}`
    records.push(...readAttribute(attribute, position, context, source))
  }

  for (const [objectIndex, object] of listOf(context.event.Object).entries()) {
    const objectPosition = `event ${context.number} object ${objectIndex + 1}`
    if (!isJsonObject(object)) {
      records.push(notAnObjectRecord(object, objectPosition, source))
      continue
    }

    const objectContext = objectContextOf(object)
    for (const [index, attribute] of listOf(object.Attribute).entries()) {
      if (attribute === objectContext.portAttribute) continue
      const position = `${objectPosition} attribute ${index + 1}`
      records.push(
        ...readAttribute(attribute, position, context, source, objectContext),
      )
    }
  }
  return records
}

function readAttribute(
  attribute: unknown,
  position: string,
  context: EventContext,
  source: FeedSource,
  objectContext?: ObjectContext,
): FeedRecord[] {
  if (!isJsonObject(attribute)) {
    return [notAnObjectRecord(attribute, position, source)]
  }

  const recordId = textOf(attribute.uuid) ?? textOf(attribute.id) ?? position
  const rawValue = textOf(attribute.value) ?? ''
  const fields = commonFields(attribute, context, objectContext)
  const build = (extra: FeedRecordFields) =>
    buildFeedRecord(MISP_FEED, source, recordId, { ...fields, ...extra })

  const problem = attributeProblem(attribute, objectContext)
  if (problem !== undefined) return [build({ value: rawValue, problem })]

  const { type, value } = withObjectPort(attribute, rawValue, objectContext)
  const parsed = readMispAttributeValue(type, value)
  if (parsed.problem !== undefined) {
    return [build({ value: rawValue, problem: parsed.problem })]
  }

  const families = familiesOf(attribute, context)
  const category = textOf(attribute.category)
  return parsed.observables.flatMap((observable) =>
    families.map((family) =>
      build({
        ...observable,
        rawValue,
        family: family?.name,
        aliases: family?.aliases ?? [],
        threatType: threatTypeOf(observable.feedType, category),
      }),
    ),
  )
}

function commonFields(
  attribute: JsonObject,
  context: EventContext,
  objectContext: ObjectContext | undefined,
): FeedRecordFields {
  const attributeTags = tagNamesOf(attribute)
  const tags = [...context.tags, ...attributeTags]
  const object = objectContext?.object
  return {
    firstSeen:
      textOf(attribute.first_seen) ??
      textOf(object?.first_seen) ??
      timestampText(attribute.timestamp) ??
      timestampText(context.event.timestamp) ??
      textOf(context.event.date),
    lastSeen: textOf(attribute.last_seen) ?? textOf(object?.last_seen),
    confidence:
      confidenceOfMispTags([...attributeTags, ...context.tags]) ??
      MISP_DEFAULT_CONFIDENCE,
    tags: tags.filter((tag) => !tag.includes(':')),
  }
}

function attributeProblem(
  attribute: JsonObject,
  objectContext: ObjectContext | undefined,
): string | undefined {
  if (booleanOf(objectContext?.object.deleted) === true) {
    return 'the MISP object of this attribute is deleted'
  }
  if (booleanOf(attribute.deleted) === true) {
    return 'the attribute is deleted in MISP'
  }

  const type = textOf(attribute.type) ?? ''
  if (!isMispIndicatorType(type)) {
    return `MISP attribute type "${type}" is not an indicator type huntpack reads (it reads ${MISP_INDICATOR_TYPES.join(', ')})`
  }
  if (booleanOf(attribute.to_ids) === false) {
    return 'to_ids is false: the event author did not mark this attribute for detection'
  }
  return undefined
}

function objectContextOf(object: JsonObject): ObjectContext {
  if (!ADDRESS_AND_PORT_OBJECTS.has(textOf(object.name) ?? '')) {
    return { object }
  }

  const attributes = listOf(object.Attribute)
  const hasAddress = attributes.some(
    (attribute) =>
      isJsonObject(attribute) && textOf(attribute.type) === 'ip-dst',
  )
  if (!hasAddress) return { object }

  const ports = attributes.filter(
    (attribute): attribute is JsonObject =>
      isJsonObject(attribute) &&
      textOf(attribute.type) === 'port' &&
      PORT_RELATIONS.has(textOf(attribute.object_relation) ?? '') &&
      booleanOf(attribute.deleted) !== true,
  )
  // With several ports the pairing is unknown, so each stays on its own.
  return ports.length === 1 ? { object, portAttribute: ports[0] } : { object }
}

function withObjectPort(
  attribute: JsonObject,
  value: string,
  objectContext: ObjectContext | undefined,
): { type: string; value: string } {
  const type = textOf(attribute.type) ?? ''
  const port = textOf(objectContext?.portAttribute?.value)
  if (type !== 'ip-dst' || port === undefined) return { type, value }
  return { type: 'ip-dst|port', value: `${value}|${port}` }
}

function familiesOf(
  attribute: JsonObject,
  context: EventContext,
): Array<MispFamily | undefined> {
  const own = readMispFamilies(attribute)
  if (own.length > 0) return own
  if (context.families.length > 0) return context.families
  if (context.infoFamily !== undefined) {
    return [{ name: context.infoFamily, aliases: [] }]
  }
  return [undefined]
}

function threatTypeOf(
  feedType: string,
  category: string | undefined,
): string | undefined {
  if (HASH_FEED_TYPES.has(feedType)) return 'payload'
  if (category === 'Payload delivery') return 'payload_delivery'
  // MISP files all traffic of the malware under Network activity. For an
  // address or domain marked for detection that is mostly its C2 server,
  // but a URL there may as well serve a download, so it stays unknown.
  if (category === 'Network activity' && feedType !== 'url') {
    return 'botnet_cc'
  }
  return undefined
}

// MISP writes `timestamp` as Unix seconds in a string.
function timestampText(value: unknown): string | undefined {
  const text = textOf(value)
  if (text === undefined || !/^\d{1,11}$/.test(text)) return text
  return `${new Date(Number(text) * 1000).toISOString().slice(0, 19)}Z`
}

function notAnObjectRecord(
  item: unknown,
  position: string,
  source: FeedSource,
): FeedRecord {
  return buildFeedRecord(MISP_FEED, source, position, {
    problem: `${position} is ${describeJsonType(item)}, expected a JSON object`,
  })
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}
