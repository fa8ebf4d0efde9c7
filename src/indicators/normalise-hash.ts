import { IndicatorValueError } from './indicator-value-error.ts'

/** Hash indicator types and their length in hex digits. */
export const HASH_LENGTHS = { md5: 32, sha1: 40, sha256: 64 } as const

export type HashType = keyof typeof HASH_LENGTHS

/**
 * Normalises a file hash to lower-case hex of the exact length of its type.
 *
 * @throws IndicatorValueError naming the wrong length or the first character
 *   that is not a hex digit.
 */
export function normaliseHash(text: string, type: HashType): string {
  const expected = HASH_LENGTHS[type]
  const invalid = /[^0-9a-f]/i.exec(text)
  if (invalid !== null) {
    throw new IndicatorValueError(
      `invalid ${type}: character "${invalid[0]}" at position ${invalid.index} is not a hex digit`,
    )
  }
  if (text.length !== expected) {
    throw new IndicatorValueError(
      `invalid ${type}: expected ${expected} hex digits, found ${text.length}`,
    )
  }
  return text.toLowerCase()
}
