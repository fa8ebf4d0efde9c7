/**
 * Turns a rendered hunting query into the query of a scheduled rule or a
 * detection: the hunt's header comment is replaced with the rule's own,
 * and extra pipe stages are appended after the hunt's projection.
 */
export function ruleQueryText(
  huntText: string,
  header: readonly string[],
  stages: readonly string[],
): string {
  const lines = huntText.split('\n')
  let start = 0
  while (start < lines.length && lines[start]!.startsWith('//')) start += 1
  return [
    ...header.map((line) => `// ${line}`),
    ...lines.slice(start),
    ...stages.map((stage) => `| ${stage}`),
  ].join('\n')
}

/** Raised when a rendered query does not have the line a variant rewrites. */
export class QueryRewriteError extends Error {
  constructor(
    readonly query: string,
    message: string,
  ) {
    super(`${query}: ${message}`)
    this.name = 'QueryRewriteError'
  }
}

/**
 * Replaces the one line equal to `from` with `to` (or removes it when `to`
 * is undefined).
 *
 * @throws QueryRewriteError naming `query` when the line is missing or
 *   appears more than once.
 */
export function replaceLine(
  text: string,
  query: string,
  from: string,
  to: string | undefined,
): string {
  const lines = text.split('\n')
  const positions = lines.flatMap((line, index) =>
    line === from ? [index] : [],
  )
  if (positions.length !== 1) {
    throw new QueryRewriteError(
      query,
      `expected the line ${JSON.stringify(from)} once, found it ${positions.length} times; ` +
        'the hunt renderer output changed, so update src/deploy to match',
    )
  }
  if (to === undefined) lines.splice(positions[0]!, 1)
  else lines[positions[0]!] = to
  return lines.join('\n')
}
