import { isJsonObject, listOf, textOf } from '../threatfox/threatfox-fields.ts'

type JsonObject = Record<string, unknown>

/** A malware family named by a STIX `malware` or `tool` object. */
export interface StixFamily {
  name: string
  aliases: string[]
}

/** The objects of a bundle by id, and its relationships by source. */
export interface StixBundleIndex {
  objects: Map<string, JsonObject>
  relationshipsBySource: Map<string, JsonObject[]>
  /** `malware` and `tool` objects, in bundle order. */
  families: JsonObject[]
}

// Object types whose name is a malware family or attack tool.
const FAMILY_TYPES = new Set(['malware', 'tool'])

/** Indexes the objects of a bundle; non-objects and objects without id are left out. */
export function indexStixBundle(objects: unknown[]): StixBundleIndex {
  const index: StixBundleIndex = {
    objects: new Map(),
    relationshipsBySource: new Map(),
    families: [],
  }
  for (const object of objects) {
    if (!isJsonObject(object)) continue
    const id = textOf(object.id)
    if (id !== undefined) index.objects.set(id, object)

    const type = textOf(object.type) ?? ''
    if (FAMILY_TYPES.has(type)) index.families.push(object)
    if (type === 'relationship') {
      const sourceRef = textOf(object.source_ref) ?? ''
      const list = index.relationshipsBySource.get(sourceRef) ?? []
      list.push(object)
      index.relationshipsBySource.set(sourceRef, list)
    }
  }
  return index
}

/** Reads the family name and aliases of a `malware` or `tool` object. */
export function familyOf(object: JsonObject): StixFamily | undefined {
  const name = textOf(object.name)?.trim()
  if (name === undefined || name === '') return undefined
  return { name, aliases: stringsOf(object.aliases) }
}

/**
 * Finds the families of an indicator: the `malware` and `tool` objects it
 * `indicates` by relationship, else those whose name or alias equals the
 * indicator's `name` or one of its `labels` in any letter case. The second
 * rule serves feeds2stix bundles, which name the indicator after the
 * family but link it to no malware. Returns an empty list when there is
 * none.
 */
export function findIndicatorFamilies(
  indicator: JsonObject,
  index: StixBundleIndex,
): StixFamily[] {
  const id = textOf(indicator.id) ?? ''
  const linked = (index.relationshipsBySource.get(id) ?? [])
    .filter(
      (relationship) => textOf(relationship.relationship_type) === 'indicates',
    )
    .map((relationship) =>
      index.objects.get(textOf(relationship.target_ref) ?? ''),
    )
    .filter((target): target is JsonObject => target !== undefined)
    .filter((target) => FAMILY_TYPES.has(textOf(target.type) ?? ''))
  if (linked.length > 0) return uniqueFamilies(linked)

  const names = [textOf(indicator.name), ...stringsOf(indicator.labels)]
    .filter((name): name is string => name !== undefined)
    .map((name) => name.toLowerCase())
  const named = index.families.filter((family) => {
    const familyNames = [textOf(family.name), ...stringsOf(family.aliases)]
    return familyNames.some((name) => names.includes(name?.toLowerCase() ?? ''))
  })
  return uniqueFamilies(named)
}

/** Reads a JSON list of strings, leaving out anything else. */
export function stringsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value.flatMap((item) =>
    listOf(typeof item === 'string' ? textOf(item) : undefined),
  )
}

function uniqueFamilies(objects: JsonObject[]): StixFamily[] {
  const families: StixFamily[] = []
  for (const object of objects) {
    const family = familyOf(object)
    const known = families.some(
      (item) => item.name.toLowerCase() === family?.name.toLowerCase(),
    )
    if (family !== undefined && !known) families.push(family)
  }
  return families
}
