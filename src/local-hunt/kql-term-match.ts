/**
 * KQL `has` semantics. Kusto splits a string into maximal runs of
 * alphanumeric characters ("terms"), and `has` is true when the needle occurs
 * case-insensitively as whole terms (learn.microsoft.com, "String operators",
 * section "What is a term?"). So `Sub.EVIL.example.` has `evil.example`, but
 * `notevil.example` does not.
 *
 * The same rule is written twice: as an RE2 pattern that DuckDB evaluates,
 * and as a JavaScript matcher that names the needle a row matched. The tests
 * check that both agree.
 *
 * NOTE: "alphanumeric" is taken as Unicode letters and digits (`\p{L}`,
 * `\p{N}`), so `_` separates terms here. A needle edge that is not
 * alphanumeric (for example `.example`) needs no boundary on that side, and
 * an empty needle matches nothing.
 */

const TERM_CHARACTER = /[\p{L}\p{N}]/u
const LEFT_BOUNDARY = '(?:^|[^\\p{L}\\p{N}])'
const RIGHT_BOUNDARY = '(?:$|[^\\p{L}\\p{N}])'

function isTermCharacter(character: string | undefined): boolean {
  return character !== undefined && TERM_CHARACTER.test(character)
}

function characterAt(text: string, index: number): string | undefined {
  const code = text.codePointAt(index)
  return code === undefined ? undefined : String.fromCodePoint(code)
}

function characterBefore(text: string, index: number): string | undefined {
  if (index === 0) return undefined
  const low = text.charCodeAt(index - 1)
  // Step back over a whole surrogate pair so astral letters count as letters.
  const start =
    low >= 0xdc00 && low <= 0xdfff && index >= 2 ? index - 2 : index - 1
  return characterAt(text, start)
}

/** Escapes every ASCII punctuation character so RE2 reads it literally. */
export function re2Escape(value: string): string {
  return value.replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`)
}

/**
 * Builds one case-insensitive RE2 pattern that matches a string which has
 * any of `needles` as whole terms, or undefined when no needle can match.
 */
export function hasAnyPattern(needles: readonly string[]): string | undefined {
  const alternatives = [...new Set(needles)]
    .filter((needle) => needle.length > 0)
    .map((needle) => {
      const characters = [...needle]
      const left = isTermCharacter(characters[0]) ? LEFT_BOUNDARY : ''
      const right = isTermCharacter(characters.at(-1)) ? RIGHT_BOUNDARY : ''
      return `${left}${re2Escape(needle)}${right}`
    })
  if (alternatives.length === 0) return undefined
  return `(?i)(?:${alternatives.join('|')})`
}

/** Returns true when `haystack` has `needle` as whole terms, ignoring case. */
export function hasTerm(haystack: string, needle: string): boolean {
  if (needle.length === 0) return false
  const text = haystack.toLowerCase()
  const term = needle.toLowerCase()
  const needleCharacters = [...needle]
  const checkLeft = isTermCharacter(needleCharacters[0])
  const checkRight = isTermCharacter(needleCharacters.at(-1))
  for (
    let index = text.indexOf(term);
    index >= 0;
    index = text.indexOf(term, index + 1)
  ) {
    const leftOk = !checkLeft || !isTermCharacter(characterBefore(text, index))
    const rightOk =
      !checkRight || !isTermCharacter(characterAt(text, index + term.length))
    if (leftOk && rightOk) return true
  }
  return false
}

const IPV4_ADDRESS = /^(?:\d{1,3}\.){3}\d{1,3}$/
const IPV4_PREFIX = /^(?:\d{1,3}\.){1,3}$/
// An IPv4 address inside text is delimited by characters that are neither
// alphanumeric nor dots, as Kusto's has_ipv4() documents.
const IPV4_LEFT = '(?:^|[^0-9A-Za-z.])'
const IPV4_RIGHT = '(?:$|[^0-9A-Za-z.])'

/**
 * Returns true for the prefixes Kusto's `has_any_ipv4_prefix()` accepts: a
 * complete IPv4 address, or one to three octets ending with a dot. Other
 * entries, IPv6 addresses included, never match.
 */
export function isIpv4Prefix(prefix: string): boolean {
  return IPV4_ADDRESS.test(prefix) || IPV4_PREFIX.test(prefix)
}

/**
 * Builds an RE2 pattern for `has_any_ipv4_prefix(text, prefixes)`, or
 * undefined when no prefix is valid.
 */
export function ipv4PrefixPattern(
  prefixes: readonly string[],
): string | undefined {
  const alternatives = [...new Set(prefixes)]
    .filter(isIpv4Prefix)
    .map((prefix) =>
      prefix.endsWith('.')
        ? `${re2Escape(prefix)}[0-9]`
        : `${re2Escape(prefix)}${IPV4_RIGHT}`,
    )
  if (alternatives.length === 0) return undefined
  return `${IPV4_LEFT}(?:${alternatives.join('|')})`
}

/** JavaScript form of {@link ipv4PrefixPattern} for one prefix. */
export function hasIpv4Prefix(text: string, prefix: string): boolean {
  const pattern = ipv4PrefixPattern([prefix])
  return pattern !== undefined && new RegExp(pattern).test(text)
}
