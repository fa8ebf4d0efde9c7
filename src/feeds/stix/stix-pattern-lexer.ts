import { StixPatternSyntaxError } from './stix-pattern-syntax-error.ts'

/** Kinds of token in a STIX pattern. */
export type StixTokenKind =
  | 'punctuation'
  | 'operator'
  | 'keyword'
  | 'identifier'
  | 'string'
  | 'integer'
  | 'float'
  | 'boolean'
  | 'timestamp'
  | 'hex'
  | 'binary'
  | 'end'

/** One token with its text (decoded for string literals) and offsets. */
export interface StixToken {
  kind: StixTokenKind
  text: string
  /** 0-based offset of the first character. */
  start: number
  /** 0-based offset after the last character. */
  end: number
}

// Keywords of the STIX 2.1 patterning grammar, which are upper case only.
const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'FOLLOWEDBY',
  'LIKE',
  'MATCHES',
  'ISSUPERSET',
  'ISSUBSET',
  'EXISTS',
  'IN',
  'START',
  'STOP',
  'WITHIN',
  'SECONDS',
  'REPEATS',
  'TIMES',
])

const PREFIXED_LITERALS = new Map<string, StixTokenKind>([
  ['t', 'timestamp'],
  ['h', 'hex'],
  ['b', 'binary'],
])

const PUNCTUATION = '[]():.,*'
const OPERATORS = ['<=', '>=', '!=', '<>', '==', '=', '<', '>']
// Other spellings of `=` and `!=` that the STIX grammar accepts.
const OPERATOR_SPELLINGS = new Map([
  ['==', '='],
  ['<>', '!='],
])
// Identifiers may contain hyphens, as SCO types such as `network-traffic`
// do. Hash names written without quotes, such as `SHA-256`, read the same.
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y
const NUMBER = /[+-]?(?:\d+(?:\.\d+)?|\.\d+)/y
const WHITE_SPACE = /\s+/y

/**
 * Splits a STIX pattern into tokens, ending with an `end` token. String
 * literals are decoded: `\'` is a quote and `\\` a backslash, the only two
 * escapes STIX 2.1 allows. `==` reads as `=` and `<>` as `!=`.
 *
 * @throws StixPatternSyntaxError for an unterminated string, another
 *   escape, or a character that starts no token.
 */
export function tokenizeStixPattern(pattern: string): StixToken[] {
  const tokens: StixToken[] = []
  let offset = skipWhiteSpace(pattern, 0)
  while (offset < pattern.length) {
    const token = readToken(pattern, offset)
    tokens.push(token)
    offset = skipWhiteSpace(pattern, token.end)
  }
  tokens.push({ kind: 'end', text: '', start: offset, end: offset })
  return tokens
}

function readToken(pattern: string, offset: number): StixToken {
  const character = pattern[offset]
  if (character === "'") return readString(pattern, offset, 'string', offset)
  if (PUNCTUATION.includes(character)) {
    return {
      kind: 'punctuation',
      text: character,
      start: offset,
      end: offset + 1,
    }
  }

  const operator = OPERATORS.find((text) => pattern.startsWith(text, offset))
  if (operator !== undefined) {
    const text = OPERATOR_SPELLINGS.get(operator) ?? operator
    return {
      kind: 'operator',
      text,
      start: offset,
      end: offset + operator.length,
    }
  }

  const number = matchAt(NUMBER, pattern, offset)
  if (number !== undefined) {
    const kind = number.includes('.') ? 'float' : 'integer'
    return { kind, text: number, start: offset, end: offset + number.length }
  }

  const word = matchAt(IDENTIFIER, pattern, offset)
  if (word === undefined) {
    throw new StixPatternSyntaxError(
      `unexpected character "${character}"`,
      offset,
    )
  }
  return readWord(pattern, word, offset)
}

function readWord(pattern: string, word: string, offset: number): StixToken {
  const end = offset + word.length
  const prefixed = PREFIXED_LITERALS.get(word)
  if (prefixed !== undefined && pattern[end] === "'") {
    return readString(pattern, end, prefixed, offset)
  }
  if (KEYWORDS.has(word))
    return { kind: 'keyword', text: word, start: offset, end }
  if (word === 'true' || word === 'false') {
    return { kind: 'boolean', text: word, start: offset, end }
  }
  return { kind: 'identifier', text: word, start: offset, end }
}

// Reads the quoted text that starts at `quote`; the token starts at
// `start`, before any `t`, `h` or `b` prefix.
function readString(
  pattern: string,
  quote: number,
  kind: StixTokenKind,
  start: number,
): StixToken {
  let text = ''
  let offset = quote + 1
  while (offset < pattern.length) {
    const character = pattern[offset]
    if (character === "'") {
      return { kind, text, start, end: offset + 1 }
    }
    if (character === '\\') {
      text += readEscape(pattern, offset)
      offset += 2
      continue
    }
    text += character
    offset += 1
  }
  throw new StixPatternSyntaxError('unterminated string literal', start)
}

function readEscape(pattern: string, offset: number): string {
  const escaped = pattern[offset + 1]
  if (escaped === "'" || escaped === '\\') return escaped

  const found =
    escaped === undefined ? 'the end of the pattern' : `"${escaped}"`
  throw new StixPatternSyntaxError(
    `invalid escape: a backslash must be followed by ' or \\, found ${found}`,
    offset,
  )
}

function skipWhiteSpace(pattern: string, offset: number): number {
  return offset + (matchAt(WHITE_SPACE, pattern, offset)?.length ?? 0)
}

function matchAt(
  expression: RegExp,
  text: string,
  offset: number,
): string | undefined {
  expression.lastIndex = offset
  return expression.exec(text)?.[0]
}
