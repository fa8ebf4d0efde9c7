import type { Indicator } from '../indicators/indicator.ts'
import type { HuntSpec } from './hunt.ts'
import { OBSERVABLES, observableOf, type Observable } from './observable.ts'
import { observableColumns } from './observable-columns.ts'
import { TABLE_PROFILES } from './table-profiles.ts'

/** A hunt to render: its spec and the indicators it searches for. */
export interface PlannedHunt {
  spec: HuntSpec
  indicators: Indicator[]
}

/**
 * Plans one family's hunts: one per table and observable, for every
 * observable that has indicators and every table with columns for it. IP
 * indicators with a port go to `ip-port` hunts and those without to `ip`
 * hunts. No hunt has an empty indicator list.
 */
export function planFamilyHunts(
  family: string,
  indicators: readonly Indicator[],
): PlannedHunt[] {
  const groups = groupByObservable(orderIndicators(indicators))
  const planned: PlannedHunt[] = []
  for (const observable of OBSERVABLES) {
    const group = groups.get(observable)
    if (group === undefined) continue

    for (const profile of TABLE_PROFILES) {
      if (observableColumns(profile, observable).length === 0) continue
      planned.push({
        spec: { family, table: profile.name, observable },
        indicators: group,
      })
    }
  }
  return planned
}

/**
 * Returns the indicators sorted by key in UTF-16 code-unit order, which is
 * the same on every machine, keeping the first of any with the same key.
 */
export function orderIndicators(indicators: readonly Indicator[]): Indicator[] {
  const byKey = new Map<string, Indicator>()
  for (const indicator of indicators) {
    if (!byKey.has(indicator.key)) byKey.set(indicator.key, indicator)
  }
  return [...byKey.values()].sort((a, b) => compareKeys(a.key, b.key))
}

function compareKeys(a: string, b: string): number {
  if (a < b) return -1
  if (a > b) return 1
  return 0
}

function groupByObservable(
  indicators: readonly Indicator[],
): Map<Observable, Indicator[]> {
  const groups = new Map<Observable, Indicator[]>()
  for (const indicator of indicators) {
    const observable = observableOf(indicator)
    const group = groups.get(observable) ?? []
    group.push(indicator)
    groups.set(observable, group)
  }
  return groups
}
