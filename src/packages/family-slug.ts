import { compareCodeUnits } from './compare-code-units.ts'

// Device names that Windows reserves in every directory, with or without an
// extension, so no folder can have them.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/

// Keeps folder names short enough for deep output paths on Windows, where
// the classic path limit is 260 characters.
const MAX_SLUG_LENGTH = 60

/**
 * Turns a malware family name into a folder name: lower-case ASCII letters
 * and digits, with every other run of characters replaced by one `-`.
 * Accents are dropped (`Mélo` becomes `melo`). A name with no ASCII letter or
 * digit becomes `family`, and a Windows reserved name gets `-family` added.
 * Different names can give the same slug; {@link assignFamilySlugs} resolves
 * that.
 */
export function slugifyFamilyName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, '')
  if (slug === '') return 'family'
  return WINDOWS_RESERVED.test(slug) ? `${slug}-family` : slug
}

/**
 * Assigns each family name a unique folder name. Names are taken in
 * code-unit order, so the result depends only on the set of names, not on
 * feed order. A name keeps its plain slug unless an earlier name already
 * took it. Then it gets the first free `-2`, `-3`, ... suffix that no other
 * name's plain slug uses either. Returns a map from name to slug.
 */
export function assignFamilySlugs(
  names: Iterable<string>,
): Map<string, string> {
  const sorted = [...new Set(names)].sort(compareCodeUnits)
  const plainSlugs = new Set(sorted.map(slugifyFamilyName))
  const usedSlugs = new Set<string>()
  const slugs = new Map<string, string>()
  for (const name of sorted) {
    const plain = slugifyFamilyName(name)
    let slug = plain
    for (let suffix = 2; usedSlugs.has(slug); suffix += 1) {
      const candidate = `${plain}-${suffix}`
      if (!plainSlugs.has(candidate)) slug = candidate
    }
    usedSlugs.add(slug)
    slugs.set(name, slug)
  }
  return slugs
}
