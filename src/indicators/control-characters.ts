import { IndicatorValueError } from './indicator-value-error.ts'

// C0 and C1 control characters, DEL, and the Unicode line and paragraph
// separators: the set that the KQL literal writer rejects. Rejecting them at
// ingest gives the user a record-level reason instead of a failed build.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u

const CHARACTER_NAMES = new Map([
  ['\0', 'NUL'],
  ['\t', 'tab'],
  ['\n', 'newline'],
  ['\r', 'carriage return'],
  ['\u007f', 'DEL'],
  ['\u2028', 'line separator'],
  ['\u2029', 'paragraph separator'],
])

/** Names a character for a message, for example `newline (U+000A)`. */
export function describeCharacter(character: string): string {
  const codePoint = character.codePointAt(0) ?? 0
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0')
  const name = CHARACTER_NAMES.get(character) ?? 'control character'
  return `${name} (U+${hex})`
}

/**
 * Checks that `value` has no control character.
 *
 * @throws IndicatorValueError naming the first control character and its
 *   0-based position.
 */
export function rejectControlCharacters(value: string): void {
  const match = CONTROL_CHARACTER.exec(value)
  if (match === null) return

  const character = describeCharacter(match[0])
  throw new IndicatorValueError(
    `value contains a ${character} at position ${match.index}`,
  )
}
