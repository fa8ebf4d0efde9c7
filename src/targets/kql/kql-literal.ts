/**
 * The one place where a value becomes KQL text. Feed values are untrusted,
 * so every query renderer must build string literals with {@link kqlString}
 * and never concatenate a value into query text itself.
 */

/** Raised when a value cannot be written as a KQL literal. */
export class KqlLiteralError extends Error {
  constructor(
    readonly value: string,
    reason: string,
  ) {
    super(`cannot write ${JSON.stringify(value)} as a KQL string: ${reason}`)
    this.name = 'KqlLiteralError'
  }
}

// C0 and C1 control characters, DEL, and the Unicode line and paragraph
// separators. None occurs in a valid indicator, and a newline inside a
// literal would let a value end a `//` comment or the query line.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u

/**
 * Writes `value` as a double-quoted KQL string literal. Backslash and double
 * quote are escaped with a backslash, which is all a double-quoted KQL
 * string needs; single quotes, pipes and `//` stay inert inside it.
 *
 * @throws KqlLiteralError when the value contains a control character.
 * @example kqlString('a"b\\') // returns "a\"b\\"  as KQL text
 */
export function kqlString(value: string): string {
  const control = CONTROL_CHARACTER.exec(value)
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).padStart(4, '0')
    throw new KqlLiteralError(
      value,
      `control character U+${code} at offset ${control.index}; remove it from the input`,
    )
  }
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

/** Writes a list of values as a KQL `dynamic([...])` literal of strings. */
export function kqlDynamicStrings(values: readonly string[]): string {
  return `dynamic([${values.map(kqlString).join(', ')}])`
}
