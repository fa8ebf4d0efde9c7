/**
 * Returns the trimmed, non-empty strings of `values` in first-seen order,
 * keeping the first spelling when several differ only in letter case, so
 * that the tags `ClearFake` and `clearfake` count once.
 */
export function uniqueCaseInsensitive(values: Iterable<string>): string[] {
  const byLowerCase = new Map<string, string>()
  for (const value of values) {
    const trimmed = value.trim()
    const lower = trimmed.toLowerCase()
    if (trimmed !== '' && !byLowerCase.has(lower)) {
      byLowerCase.set(lower, trimmed)
    }
  }
  return [...byLowerCase.values()]
}

/** Returns the trimmed, non-empty strings of `values` in first-seen order. */
export function uniqueExact(values: Iterable<string>): string[] {
  const unique = new Set<string>()
  for (const value of values) {
    const trimmed = value.trim()
    if (trimmed !== '') unique.add(trimmed)
  }
  return [...unique]
}
