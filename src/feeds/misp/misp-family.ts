import { isJsonObject, textOf } from '../threatfox/threatfox-fields.ts'

/** A malware family named by a MISP galaxy cluster or tag. */
export interface MispFamily {
  name: string
  aliases: string[]
}

// MISP galaxies whose clusters are malware families or attack tools, as
// named in the misp-galaxy repository.
const FAMILY_GALAXIES = new Set([
  'android',
  'backdoor',
  'banker',
  'botnet',
  'malpedia',
  'mitre-malware',
  'mitre-tool',
  'ransomware',
  'rat',
  'stealer',
  'tool',
])

// A galaxy tag such as `misp-galaxy:malpedia="Emotet"`.
const GALAXY_TAG = /^misp-galaxy:([a-z0-9-]+)="(.+)"$/

// MITRE clusters carry the ATT&CK software id, as in `Emotet - S0367`.
const MITRE_SOFTWARE_ID = /\s+-\s+S\d{4}$/

/**
 * Reads the malware families of an event or attribute: the clusters of its
 * family galaxies (malpedia, mitre-malware, mitre-tool, ransomware, rat and
 * similar), then its `misp-galaxy:` tags of those galaxies, without the
 * ATT&CK software id. Synonyms of a cluster become aliases. Families are
 * unique by name in any letter case, in the order found.
 */
export function readMispFamilies(
  container: Record<string, unknown>,
): MispFamily[] {
  const families: MispFamily[] = []
  for (const cluster of familyClusters(container.Galaxy)) {
    addFamily(families, clusterName(cluster.value), synonymsOf(cluster.meta))
  }
  for (const tag of tagNamesOf(container)) {
    const match = GALAXY_TAG.exec(tag)
    if (match !== null && FAMILY_GALAXIES.has(match[1])) {
      addFamily(families, clusterName(match[2]), [])
    }
  }
  return families
}

/** Reads the names of the `Tag` list of an event or attribute. */
export function tagNamesOf(container: Record<string, unknown>): string[] {
  const tags = Array.isArray(container.Tag) ? container.Tag : []
  return tags.flatMap((tag) => {
    const name = isJsonObject(tag) ? textOf(tag.name) : undefined
    return name === undefined ? [] : [name]
  })
}

/**
 * Finds the family of an event without a family galaxy: a plain tag (not a
 * `namespace:` machine tag, not the organisation name) that is also a
 * whole word of the event `info`, as the tag `Stantinko` of the event
 * "Stantinko investigation". Returns undefined when there is none.
 *
 * NOTE: this is a heuristic, and a generic tag that the info also uses
 * (such as `botnet`) would be taken for a family.
 */
export function findInfoTagFamily(
  event: Record<string, unknown>,
): string | undefined {
  const info = textOf(event.info)?.toLowerCase()
  if (info === undefined) return undefined

  const organisations = [event.Org, event.Orgc].map((organisation) =>
    isJsonObject(organisation)
      ? textOf(organisation.name)?.toLowerCase()
      : undefined,
  )
  const words = new Set(info.split(/[^\p{L}\p{N}_-]+/u))
  return tagNamesOf(event).find((tag) => {
    const name = tag.toLowerCase()
    const isMachineTag = name.includes(':') || name.includes('=')
    return !isMachineTag && !organisations.includes(name) && words.has(name)
  })
}

function familyClusters(galaxies: unknown): Record<string, unknown>[] {
  if (!Array.isArray(galaxies)) return []
  return galaxies.flatMap((galaxy) => {
    if (!isJsonObject(galaxy)) return []
    if (!FAMILY_GALAXIES.has(textOf(galaxy.type) ?? '')) return []
    const clusters = Array.isArray(galaxy.GalaxyCluster)
      ? galaxy.GalaxyCluster
      : []
    return clusters.filter(isJsonObject)
  })
}

function clusterName(value: unknown): string {
  return (textOf(value) ?? '').replace(MITRE_SOFTWARE_ID, '').trim()
}

function synonymsOf(meta: unknown): string[] {
  if (!isJsonObject(meta) || !Array.isArray(meta.synonyms)) return []
  return meta.synonyms.flatMap((synonym) => {
    const text = textOf(synonym)
    return text === undefined ? [] : [text]
  })
}

function addFamily(
  families: MispFamily[],
  name: string,
  aliases: string[],
): void {
  if (name === '') return
  const existing = families.find(
    (family) => family.name.toLowerCase() === name.toLowerCase(),
  )
  if (existing === undefined) {
    families.push({ name, aliases: [...aliases] })
  } else {
    existing.aliases.push(...aliases)
  }
}
