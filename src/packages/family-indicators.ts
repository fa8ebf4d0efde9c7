import type { Indicator } from '../indicators/indicator.ts'
import { observableKey } from '../indicators/indicator-key.ts'
import { compareCodeUnits } from './compare-code-units.ts'
import { assignFamilySlugs } from './family-slug.ts'
import {
  OBSERVABLES,
  observableOf,
  type Observable,
} from '../hunts/observable.ts'

/** The indicators of one malware family, which one package folder contains. */
export interface FamilyIndicators {
  /** Display name, for example `DCRat` or `Unknown malware`. */
  name: string
  /** Folder name under the output folder, unique within one build. */
  slug: string
  /** Union of the indicators' aliases in code-unit order, ignoring case, without the name itself. */
  aliases: string[]
  /** Union of the feeds' family ids, for example `win.dcrat`, in code-unit order. */
  malwareIds: string[]
  /** The family's indicators in {@link compareIndicators} order. */
  indicators: Indicator[]
  /**
   * Other families that list some of the same observables, with how many,
   * most shared first.
   */
  sharedWith: [family: string, indicators: number][]
}

/**
 * Orders indicators by observable, in {@link OBSERVABLES} order, then value,
 * then port, then key, comparing code units so the order is the same on
 * every machine.
 */
export function compareIndicators(a: Indicator, b: Indicator): number {
  return (
    OBSERVABLES.indexOf(observableOf(a)) -
      OBSERVABLES.indexOf(observableOf(b)) ||
    compareCodeUnits(a.value, b.value) ||
    (a.port ?? 0) - (b.port ?? 0) ||
    compareCodeUnits(a.key, b.key)
  )
}

/** Returns how many of `indicators` there are of each observable kind, in {@link OBSERVABLES}. */
export function countObservables(
  indicators: readonly Indicator[],
): [Observable, number][] {
  const counts = new Map<Observable, number>()
  for (const indicator of indicators) {
    const observable = observableOf(indicator)
    counts.set(observable, (counts.get(observable) ?? 0) + 1)
  }
  return OBSERVABLES.filter((o) => counts.has(o)).map((o) => [
    o,
    counts.get(o)!,
  ])
}

/**
 * Returns the distinct values in code-unit order, comparing case-insensitively
 * (the first spelling in that order wins) and leaving out `without`.
 */
function sortedUnion(values: Iterable<string>, without?: string): string[] {
  const seen = new Set(without === undefined ? [] : [without.toLowerCase()])
  const unique: string[] = []
  for (const value of [...values].sort(compareCodeUnits)) {
    if (seen.has(value.toLowerCase())) continue
    seen.add(value.toLowerCase())
    unique.push(value)
  }
  return unique
}

/** Maps each observable key to the families that list it. */
function familiesByObservable(
  indicators: readonly Indicator[],
): Map<string, Set<string>> {
  const families = new Map<string, Set<string>>()
  for (const indicator of indicators) {
    const key = observableKey(indicator)
    families.set(key, (families.get(key) ?? new Set()).add(indicator.family))
  }
  return families
}

function countSharedWith(
  name: string,
  members: readonly Indicator[],
  families: Map<string, Set<string>>,
): [string, number][] {
  const counts = new Map<string, number>()
  for (const indicator of members) {
    for (const other of families.get(observableKey(indicator)) ?? []) {
      if (other !== name) counts.set(other, (counts.get(other) ?? 0) + 1)
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1] || compareCodeUnits(a[0], b[0]))
}

/**
 * Groups indicators by {@link Indicator.family}, one group per distinct
 * name (`Unknown malware` is a family like any other). Groups come back in
 * code-unit order of their names, each with a unique folder slug, so the
 * result depends only on the set of indicators, not on their order.
 */
export function groupIndicatorsByFamily(
  indicators: readonly Indicator[],
): FamilyIndicators[] {
  const byName = new Map<string, Indicator[]>()
  for (const indicator of indicators) {
    const members = byName.get(indicator.family) ?? []
    members.push(indicator)
    byName.set(indicator.family, members)
  }

  const slugs = assignFamilySlugs(byName.keys())
  const families = familiesByObservable(indicators)
  return [...byName.keys()].sort(compareCodeUnits).map((name) => {
    const members = byName.get(name)!.sort(compareIndicators)
    return {
      name,
      slug: slugs.get(name)!,
      aliases: sortedUnion(
        members.flatMap((indicator) => indicator.aliases),
        name,
      ),
      malwareIds: sortedUnion(
        members.flatMap((indicator) =>
          indicator.malwareId === undefined ? [] : [indicator.malwareId],
        ),
      ),
      indicators: members,
      sharedWith: countSharedWith(name, members, families),
    }
  })
}
