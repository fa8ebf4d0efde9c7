import { hasIpv4Prefix, hasTerm } from './kql-term-match.ts'
import type { MatchProbe } from './translation-context.ts'

/**
 * Names the indicator a row matched from the probes of its query: the first
 * probe value that the row's probe column matches, trying probes on `let`
 * lists first because those hold the indicators. Each test repeats in
 * JavaScript what the translated SQL evaluated.
 */
export class IndicatorProbes {
  private readonly probes: MatchProbe[]
  private readonly exact = new Map<string, Map<string, string>>()

  constructor(probes: readonly MatchProbe[]) {
    this.probes = [...probes].sort(
      (a, b) => Number(!a.listName) - Number(!b.listName),
    )
    for (const probe of this.probes) {
      const ignoreCase = probe.operator === 'in~' || probe.operator === '=~'
      if (probe.operator === 'in' || probe.operator === '==' || ignoreCase) {
        const byValue = new Map<string, string>()
        for (const value of probe.values) {
          byValue.set(ignoreCase ? value.toLowerCase() : value, value)
        }
        this.exact.set(probe.column, byValue)
      }
    }
  }

  /** Returns the matched value and its column, or undefined when no probe matched. */
  match(
    row: Readonly<Record<string, unknown>>,
  ): { indicator: string; column: string | null } | undefined {
    for (const probe of this.probes) {
      const cell = row[probe.column]
      if (cell === null || cell === undefined) continue
      const value = String(cell)
      const indicator = this.matchProbe(probe, value)
      if (indicator !== undefined) {
        return { indicator, column: probe.field ?? null }
      }
    }
    return undefined
  }

  private matchProbe(probe: MatchProbe, value: string): string | undefined {
    const exact = this.exact.get(probe.column)
    if (exact) {
      const ignoreCase = probe.operator === 'in~' || probe.operator === '=~'
      return exact.get(ignoreCase ? value.toLowerCase() : value)
    }
    const lower = value.toLowerCase()
    switch (probe.operator) {
      case 'has':
      case 'has_any':
        return probe.values.find((needle) => hasTerm(value, needle))
      case 'contains':
        return probe.values.find((needle) =>
          lower.includes(needle.toLowerCase()),
        )
      case 'startswith':
        return probe.values.find((needle) =>
          lower.startsWith(needle.toLowerCase()),
        )
      case 'endswith':
        return probe.values.find((needle) =>
          lower.endsWith(needle.toLowerCase()),
        )
      case 'has_any_ipv4_prefix':
        return probe.values.find((prefix) => hasIpv4Prefix(value, prefix))
    }
    return undefined
  }
}
