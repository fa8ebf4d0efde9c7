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

// With the `u` flag a surrogate pair is one code point outside this range,
// so only unpaired surrogates match. UTF-8 cannot encode them: a query file
// would hold U+FFFD in their place and no longer match the value.
const UNPAIRED_SURROGATE = /[\ud800-\udfff]/u

/**
 * Writes `value` as a double-quoted KQL string literal. Backslash and double
 * quote are escaped with a backslash, which is all a double-quoted KQL
 * string needs; single quotes, pipes and `//` stay inert inside it.
 *
 * @throws KqlLiteralError when the value contains a control character or
 *   an unpaired UTF-16 surrogate.
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
  const surrogate = UNPAIRED_SURROGATE.exec(value)
  if (surrogate) {
    const code = surrogate[0].charCodeAt(0).toString(16)
    throw new KqlLiteralError(
      value,
      `unpaired UTF-16 surrogate U+${code} at offset ${surrogate.index}; the value is not valid Unicode text, so correct the input`,
    )
  }
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

/** Writes a list of values as a KQL `dynamic([...])` literal of strings. */
export function kqlDynamicStrings(values: readonly string[]): string {
  return `dynamic([${values.map(kqlString).join(', ')}])`
}

// A KQL timespan literal of a whole number and one unit, for example `14d`,
// `12h`, `30m` or `90s`. Fractions and `time(...)` forms are left out on
// purpose, so that the local hunting engine reads every literal the same way.
const TIMESPAN = /^([1-9][0-9]{0,5})(d|h|m|s)$/

/**
 * Writes a timespan such as `14d` as a KQL timespan literal: a whole number
 * from 1 to 999,999 followed by `d` (days), `h` (hours), `m` (minutes) or
 * `s` (seconds).
 *
 * @throws KqlLiteralError when the text is not of that form.
 * @example kqlTimespan('14d') // returns 14d as KQL text
 */
export function kqlTimespan(value: string): string {
  if (!TIMESPAN.test(value)) {
    throw new KqlLiteralError(
      value,
      'a timespan must be a whole number and a unit d, h, m or s, for example 14d',
    )
  }
  return value
}
