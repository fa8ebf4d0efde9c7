import { readFileSync } from 'node:fs'
import type { AllowlistEntry } from './allowlist-entry.ts'
import { parseAllowlistEntry } from './parse-allowlist-entry.ts'

/** One invalid line of a user allow-list file. */
export interface AllowlistLineProblem {
  /** 1-based line number. */
  line: number
  value: string
  problem: string
}

/** A user allow-list file that cannot be read or has invalid lines. */
export class AllowlistFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: AllowlistLineProblem[],
    cause?: unknown,
  ) {
    const detail =
      problems.length > 0
        ? problems
            .map(
              (p) => `\n  ${file} line ${p.line}: "${p.value}": ${p.problem}`,
            )
            .join('')
        : ''
    const reason = cause instanceof Error ? `: ${cause.message}` : ''
    super(
      problems.length > 0
        ? `Allow-list ${file} has ${problems.length} invalid line(s); fix or remove them:${detail}`
        : `Cannot read allow-list ${file}${reason}`,
      { cause },
    )
    this.name = 'AllowlistFileError'
  }
}

/**
 * Reads a user allow-list: one entry per line (IP address, CIDR block or
 * domain), blank lines ignored, `#` starting a comment anywhere on a line.
 *
 * Throws {@link AllowlistFileError} naming the file and every invalid line,
 * so a typo never silently stops suppressing an indicator.
 */
export function readAllowlistFile(path: string): AllowlistEntry[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new AllowlistFileError(path, [], error)
  }
  return parseAllowlistText(text, path)
}

/** Parses allow-list text as {@link readAllowlistFile} does; `file` names it in messages. */
export function parseAllowlistText(
  text: string,
  file: string,
): AllowlistEntry[] {
  const entries: AllowlistEntry[] = []
  const problems: AllowlistLineProblem[] = []

  text.split(/\r?\n/).forEach((rawLine, index) => {
    const value = rawLine.replace(/#.*$/, '').trim()
    if (value === '') return

    const line = index + 1
    if (/\s/.test(value)) {
      problems.push({
        line,
        value,
        problem: 'one entry per line (found whitespace inside)',
      })
      return
    }

    const parsed = parseAllowlistEntry(value)
    if ('problem' in parsed) {
      problems.push({ line, value, problem: parsed.problem })
      return
    }
    entries.push({
      text: value,
      matcher: parsed.matcher,
      list: 'user allow-list',
      source: `${file} line ${line}`,
    })
  })

  if (problems.length > 0) throw new AllowlistFileError(file, problems)
  return entries
}
