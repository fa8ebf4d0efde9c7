import type { Indicator } from './indicator.ts'

/**
 * Orders indicators by family, type, value and port, comparing strings by
 * UTF-16 code units so that the order never depends on the locale. An
 * indicator without a port sorts before the same value with one.
 * Use as `indicators.sort(compareIndicators)`.
 */
export function compareIndicators(left: Indicator, right: Indicator): number {
  return (
    compareText(left.family, right.family) ||
    compareText(left.type, right.type) ||
    compareText(left.value, right.value) ||
    (left.port ?? 0) - (right.port ?? 0)
  )
}

function compareText(left: string, right: string): number {
  if (left < right) return -1
  return left > right ? 1 : 0
}
