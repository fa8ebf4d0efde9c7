import type {
  StixComparison,
  StixComparisonExpression,
  StixLiteral,
  StixObjectPath,
  StixObservationExpression,
  StixOperator,
  StixPathStep,
} from './stix-pattern.ts'
import { tokenizeStixPattern, type StixToken } from './stix-pattern-lexer.ts'
import { StixPatternSyntaxError } from './stix-pattern-syntax-error.ts'

// Keyword operators that take one string literal.
const STRING_OPERATORS = new Set(['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET'])

/**
 * Parses a STIX 2.1 pattern into its syntax tree. The grammar is that of
 * STIX 2.1 section 9: observation expressions in square brackets, joined
 * with `AND`, `OR` and `FOLLOWEDBY` (loosest) and grouped with parentheses,
 * with the qualifiers `WITHIN n SECONDS`, `REPEATS n TIMES` and
 * `START t'...' STOP t'...'`. Inside brackets, comparisons are joined with
 * `AND` (binding tighter) and `OR` and grouped with parentheses. Every
 * comparison operator parses, including `NOT`, `IN`, `LIKE`, `MATCHES`,
 * `ISSUBSET`, `ISSUPERSET` and `EXISTS`, so that a caller can name the
 * ones it does not support.
 *
 * @throws StixPatternSyntaxError naming the position and what was expected.
 */
export function parseStixPattern(pattern: string): StixObservationExpression {
  const parser = new Parser(tokenizeStixPattern(pattern))
  const expression = parser.observationExpressions()
  parser.expectEnd()
  return expression
}

class Parser {
  private position = 0

  constructor(private readonly tokens: StixToken[]) {}

  observationExpressions(): StixObservationExpression {
    return this.joined('followed-by', 'FOLLOWEDBY', () =>
      this.joined('observation-or', 'OR', () =>
        this.joined('observation-and', 'AND', () => this.qualified()),
      ),
    )
  }

  expectEnd(): void {
    const token = this.peek()
    if (token.kind !== 'end') throw unexpected(token, 'the end of the pattern')
  }

  // Operands of `keyword`, left to right, as one group node (or the single
  // operand when there is no keyword).
  private joined<
    T extends StixObservationExpression | StixComparisonExpression,
  >(kind: string, keyword: string, operand: () => T): T {
    const first = operand()
    const operands = [first]
    while (this.acceptKeyword(keyword)) operands.push(operand())
    if (operands.length === 1) return first

    const end = operands[operands.length - 1].end
    return { kind, operands, start: first.start, end } as unknown as T
  }

  private qualified(): StixObservationExpression {
    let expression = this.observation()
    for (;;) {
      const token = this.peek()
      if (token.kind !== 'keyword') return expression
      if (token.text === 'WITHIN') {
        this.next()
        this.expectNumber()
        this.expectKeyword('SECONDS')
      } else if (token.text === 'REPEATS') {
        this.next()
        this.expect('integer', 'a number of repeats')
        this.expectKeyword('TIMES')
      } else if (token.text === 'START') {
        this.next()
        this.expect('timestamp', "a timestamp such as t'2026-01-01T00:00:00Z'")
        this.expectKeyword('STOP')
        this.expect('timestamp', "a timestamp such as t'2026-01-01T00:00:00Z'")
      } else {
        return expression
      }
      const end = this.tokens[this.position - 1].end
      const qualifier = token.text as 'WITHIN' | 'REPEATS' | 'START'
      expression = {
        kind: 'qualified',
        qualifier,
        expression,
        start: expression.start,
        end,
      }
    }
  }

  private observation(): StixObservationExpression {
    const open = this.peek()
    if (this.acceptPunctuation('(')) {
      const expression = this.observationExpressions()
      const close = this.expectPunctuation(')')
      return { ...expression, start: open.start, end: close.end }
    }
    if (!this.acceptPunctuation('[')) {
      throw unexpected(open, '"[" or "(" to start an observation expression')
    }

    const comparison = this.comparisonOr()
    const close = this.expectPunctuation(']')
    return {
      kind: 'observation',
      comparison,
      start: open.start,
      end: close.end,
    }
  }

  private comparisonOr(): StixComparisonExpression {
    return this.joined('or', 'OR', () =>
      this.joined('and', 'AND', () => this.comparison()),
    )
  }

  private comparison(): StixComparisonExpression {
    const first = this.peek()
    if (this.acceptPunctuation('(')) {
      const expression = this.comparisonOr()
      const close = this.expectPunctuation(')')
      return { ...expression, start: first.start, end: close.end }
    }

    const negatedExists =
      this.peekKeyword('NOT') && this.peekKeyword('EXISTS', 1)
    if (negatedExists) this.next()
    if (this.acceptKeyword('EXISTS')) {
      const path = this.objectPath()
      const end = this.tokens[this.position - 1].end
      return existsComparison(path, negatedExists, first.start, end)
    }

    const path = this.objectPath()
    const negated = this.acceptKeyword('NOT')
    const operator = this.operator()
    const value = this.operand(operator)
    const end = this.tokens[this.position - 1].end
    return {
      kind: 'comparison',
      path,
      operator,
      negated,
      value,
      start: first.start,
      end,
    }
  }

  private operator(): StixOperator {
    const token = this.next()
    if (token.kind === 'operator') return token.text as StixOperator
    const isKeywordOperator =
      token.kind === 'keyword' &&
      (token.text === 'IN' || STRING_OPERATORS.has(token.text))
    if (isKeywordOperator) return token.text as StixOperator
    throw unexpected(token, 'a comparison operator such as "=" or "IN"')
  }

  private operand(operator: StixOperator): StixLiteral | StixLiteral[] {
    if (operator === 'IN') return this.literalSet()
    if (STRING_OPERATORS.has(operator)) {
      const token = this.expect('string', `a string after ${operator}`)
      return { kind: 'string', value: token.text }
    }
    return this.literal()
  }

  private literalSet(): StixLiteral[] {
    this.expectPunctuation('(')
    const literals: StixLiteral[] = []
    if (this.acceptPunctuation(')')) return literals
    do {
      literals.push(this.literal())
    } while (this.acceptPunctuation(','))
    this.expectPunctuation(')')
    return literals
  }

  private literal(): StixLiteral {
    const token = this.next()
    switch (token.kind) {
      case 'string':
      case 'timestamp':
      case 'hex':
      case 'binary':
        return { kind: token.kind, value: token.text }
      case 'integer':
      case 'float':
        return { kind: token.kind, value: Number(token.text) }
      case 'boolean':
        return { kind: 'boolean', value: token.text === 'true' }
      default:
        throw unexpected(token, 'a literal value such as a quoted string')
    }
  }

  private objectPath(): StixObjectPath {
    const objectType = this.expect(
      'identifier',
      'an object type such as ipv4-addr',
    )
    this.expectPunctuation(':')
    const steps: StixPathStep[] = [{ key: this.pathKey() }]
    for (;;) {
      if (this.acceptPunctuation('.')) {
        steps.push({ key: this.pathKey() })
      } else if (this.peekPunctuation('[') && this.isIndexStep()) {
        this.next()
        steps.push({ index: this.pathIndex() })
        this.expectPunctuation(']')
      } else {
        return { objectType: objectType.text, steps }
      }
    }
  }

  // `[` after a path is an index step only when `]` follows its content.
  // Any other `[` starts a new observation, which the caller reports as a
  // syntax error.
  private isIndexStep(): boolean {
    const content = this.tokens[this.position + 1]
    const close = this.tokens[this.position + 2]
    const isIndex =
      content?.kind === 'integer' ||
      (content?.kind === 'punctuation' && content.text === '*')
    return isIndex && close?.kind === 'punctuation' && close.text === ']'
  }

  private pathKey(): string {
    const token = this.next()
    if (token.kind === 'identifier' || token.kind === 'string')
      return token.text
    throw unexpected(token, 'a property name')
  }

  private pathIndex(): number | '*' {
    const token = this.next()
    return token.text === '*' ? '*' : Number(token.text)
  }

  private expectNumber(): void {
    const token = this.next()
    if (token.kind !== 'integer' && token.kind !== 'float') {
      throw unexpected(token, 'a number of seconds')
    }
  }

  private peek(ahead = 0): StixToken {
    const index = Math.min(this.position + ahead, this.tokens.length - 1)
    return this.tokens[index]
  }

  private next(): StixToken {
    const token = this.peek()
    if (token.kind !== 'end') this.position += 1
    return token
  }

  private peekKeyword(keyword: string, ahead = 0): boolean {
    const token = this.peek(ahead)
    return token.kind === 'keyword' && token.text === keyword
  }

  private peekPunctuation(text: string): boolean {
    const token = this.peek()
    return token.kind === 'punctuation' && token.text === text
  }

  private acceptKeyword(keyword: string): boolean {
    if (!this.peekKeyword(keyword)) return false
    this.next()
    return true
  }

  private acceptPunctuation(text: string): boolean {
    if (!this.peekPunctuation(text)) return false
    this.next()
    return true
  }

  private expectKeyword(keyword: string): StixToken {
    if (!this.peekKeyword(keyword)) throw unexpected(this.peek(), keyword)
    return this.next()
  }

  private expectPunctuation(text: string): StixToken {
    if (!this.peekPunctuation(text)) throw unexpected(this.peek(), `"${text}"`)
    return this.next()
  }

  private expect(kind: StixToken['kind'], description: string): StixToken {
    const token = this.peek()
    if (token.kind !== kind) throw unexpected(token, description)
    return this.next()
  }
}

function existsComparison(
  path: StixObjectPath,
  negated: boolean,
  start: number,
  end: number,
): StixComparison {
  return { kind: 'comparison', path, operator: 'EXISTS', negated, start, end }
}

function unexpected(
  token: StixToken,
  expected: string,
): StixPatternSyntaxError {
  const found =
    token.kind === 'end' ? 'the end of the pattern' : `"${token.text}"`
  return new StixPatternSyntaxError(
    `expected ${expected}, found ${found}`,
    token.start,
  )
}
