import type { FamilyOverlap, Indicator } from './indicator.ts'
import { observableKey } from './indicator-key.ts'

/**
 * Finds observables that are indicators under more than one family, sorted
 * by observable key. Families are listed in code-point order.
 */
export function findFamilyOverlaps(indicators: Indicator[]): FamilyOverlap[] {
  const familiesByKey = new Map<string, Set<string>>()
  for (const indicator of indicators) {
    const key = observableKey(indicator)
    const families = familiesByKey.get(key) ?? new Set<string>()
    families.add(indicator.family)
    familiesByKey.set(key, families)
  }

  const overlaps: FamilyOverlap[] = []
  for (const [key, families] of familiesByKey) {
    if (families.size > 1) {
      overlaps.push({ observableKey: key, families: [...families].sort() })
    }
  }
  return overlaps.sort((left, right) =>
    left.observableKey < right.observableKey ? -1 : 1,
  )
}
