/**
 * Orders strings by UTF-16 code units. Unlike `localeCompare`, the order is
 * the same on every machine and locale, which keeps package output
 * reproducible.
 */
export function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1
  return a > b ? 1 : 0
}
