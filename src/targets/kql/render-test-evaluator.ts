// Test support: a small evaluator for the KQL that the hunt renderers write,
// so that tests can run a rendered query over a few rows and check what it
// keeps. It supports only the operators and functions the renderers use, with
// Kusto's semantics for them: string comparisons by `startswith`,
// `endswith`, `has_any`, `=~` and `in~` ignore case, `in` and `==` do not,
// and `has_any` matches whole terms. `extract()` runs its RE2 pattern as a
// JavaScript regular expression, which reads the renderers' one pattern
// (URL_HOST_PATTERN) the same way. The time filter is not evaluated.

/** One log row: column name to value; a missing column is null. */
export type Row = Record<string, string | number | boolean | null | undefined>

type Value = string | number | boolean | null | Value[]

type Token =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'word'; value: string }
  | { kind: 'symbol'; value: string }

const SYMBOLS = [
  '==',
  '=~',
  '!=',
  '>=',
  '<=',
  '>',
  '<',
  '(',
  ')',
  '[',
  ']',
  ',',
  '=',
  ';',
  '|',
]

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const rest = text.slice(i)
    const space = /^\s+/.exec(rest)
    if (space) {
      i += space[0].length
      continue
    }
    if (rest.startsWith('@"')) {
      const end = text.indexOf('"', i + 2)
      tokens.push({ kind: 'string', value: text.slice(i + 2, end) })
      i = end + 1
      continue
    }
    if (rest.startsWith('"')) {
      const [value, length] = readString(rest)
      tokens.push({ kind: 'string', value })
      i += length
      continue
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*~?/.exec(rest)
    if (word) {
      tokens.push({ kind: 'word', value: word[0] })
      i += word[0].length
      continue
    }
    const number = /^[0-9]+[a-z]*/.exec(rest)
    if (number) {
      tokens.push({ kind: 'number', value: parseInt(number[0], 10) })
      i += number[0].length
      continue
    }
    const symbol = SYMBOLS.find((s) => rest.startsWith(s))
    if (symbol === undefined)
      throw new Error(`evaluator: unexpected text at ${rest.slice(0, 20)}`)
    tokens.push({ kind: 'symbol', value: symbol })
    i += symbol.length
  }
  return tokens
}

function readString(text: string): [string, number] {
  let value = ''
  let i = 1
  while (text[i] !== '"') {
    if (text[i] === '\\') {
      value += text[i + 1]
      i += 2
    } else {
      value += text[i]
      i += 1
    }
  }
  return [value, i + 1]
}

type Expression = (row: Row, variables: Map<string, Value>) => Value

class ExpressionParser {
  private position = 0
  constructor(private readonly tokens: Token[]) {}

  parse(): Expression {
    const expression = this.parseOr()
    if (this.position !== this.tokens.length) {
      throw new Error(
        `evaluator: trailing tokens after expression: ${JSON.stringify(this.tokens[this.position])}`,
      )
    }
    return expression
  }

  private peek(value: string): boolean {
    const token = this.tokens[this.position]
    return (
      token !== undefined &&
      (token.kind === 'word' || token.kind === 'symbol') &&
      token.value === value
    )
  }

  private expect(value: string): void {
    if (!this.peek(value))
      throw new Error(`evaluator: expected ${value} at token ${this.position}`)
    this.position += 1
  }

  private parseOr(): Expression {
    let left = this.parseAnd()
    while (this.peek('or')) {
      this.position += 1
      const a = left
      const b = this.parseAnd()
      left = (row, vars) => a(row, vars) === true || b(row, vars) === true
    }
    return left
  }

  private parseAnd(): Expression {
    let left = this.parseComparison()
    while (this.peek('and')) {
      this.position += 1
      const a = left
      const b = this.parseComparison()
      left = (row, vars) => a(row, vars) === true && b(row, vars) === true
    }
    return left
  }

  private parseComparison(): Expression {
    const left = this.parsePrimary()
    const token = this.tokens[this.position]
    if (
      token === undefined ||
      token.kind === 'string' ||
      token.kind === 'number'
    )
      return left
    const operator = token.value
    if (!COMPARISONS.has(operator)) return left
    this.position += 1
    const right = this.parsePrimary()
    const compare = COMPARISONS.get(operator)!
    return (row, vars) => compare(left(row, vars), right(row, vars))
  }

  private parsePrimary(): Expression {
    const token = this.tokens[this.position++]
    if (token.kind === 'string' || token.kind === 'number')
      return () => token.value
    if (token.kind === 'symbol' && token.value === '(')
      return this.parseParenthesised()
    if (token.kind === 'word' && this.peek('('))
      return this.parseCall(token.value)
    if (token.kind === 'word') {
      const name = token.value
      return (row, vars) =>
        vars.has(name) ? vars.get(name)! : (row[name] ?? null)
    }
    throw new Error(`evaluator: unexpected token ${JSON.stringify(token)}`)
  }

  // A parenthesised expression, or a literal list such as ("a", "b").
  private parseParenthesised(): Expression {
    const items = [this.parseOr()]
    while (this.peek(',')) {
      this.position += 1
      items.push(this.parseOr())
    }
    this.expect(')')
    if (items.length === 1) return items[0]
    return (row, vars) => items.map((item) => item(row, vars))
  }

  private parseCall(name: string): Expression {
    this.expect('(')
    if (name === 'dynamic') return this.parseDynamic()
    const args: Expression[] = []
    while (!this.peek(')')) {
      args.push(this.parseOr())
      if (this.peek(',')) this.position += 1
    }
    this.expect(')')
    const fn = FUNCTIONS.get(name)
    if (fn === undefined) throw new Error(`evaluator: unknown function ${name}`)
    return (row, vars) => fn(args.map((arg) => arg(row, vars)))
  }

  private parseDynamic(): Expression {
    this.expect('[')
    const values: Value[] = []
    while (!this.peek(']')) {
      const token = this.tokens[this.position++]
      if (token.kind === 'string' || token.kind === 'number')
        values.push(token.value)
      if (this.peek(',')) this.position += 1
    }
    this.expect(']')
    this.expect(')')
    return () => values
  }
}

function text(value: Value): string | null {
  if (value === null || Array.isArray(value)) return null
  return String(value)
}

function list(value: Value): Value[] {
  return Array.isArray(value) ? value : [value]
}

function lower(value: Value): string | null {
  return text(value)?.toLowerCase() ?? null
}

function hasTerm(haystack: string, needle: string): boolean {
  const source = haystack.toLowerCase()
  const term = needle.toLowerCase()
  for (
    let at = source.indexOf(term);
    at !== -1;
    at = source.indexOf(term, at + 1)
  ) {
    const before = source[at - 1]
    const after = source[at + term.length]
    const boundary = (c: string | undefined) =>
      c === undefined || !/[a-z0-9]/.test(c)
    if (boundary(before) && boundary(after)) return true
  }
  return false
}

const COMPARISONS = new Map<string, (a: Value, b: Value) => Value>([
  ['==', (a, b) => a !== null && a === b],
  ['=~', (a, b) => lower(a) !== null && lower(a) === lower(b)],
  ['>', () => true],
  ['in', (a, b) => a !== null && list(b).includes(a)],
  [
    'in~',
    (a, b) => lower(a) !== null && list(b).some((v) => lower(v) === lower(a)),
  ],
  [
    'has_any',
    (a, b) =>
      text(a) !== null && list(b).some((v) => hasTerm(text(a)!, String(v))),
  ],
  ['startswith', (a, b) => lower(a)?.startsWith(lower(b)!) ?? false],
  ['endswith', (a, b) => lower(a)?.endsWith(lower(b)!) ?? false],
])

const FUNCTIONS = new Map<string, (args: Value[]) => Value>([
  ['isnotempty', ([a]) => a !== null && a !== ''],
  ['isempty', ([a]) => a === null || a === ''],
  ['not', ([a]) => a !== true],
  ['ago', () => 0],
  ['tolower', ([a]) => lower(a)],
  ['tostring', ([a]) => text(a) ?? ''],
  ['strcat', (args) => args.map((a) => text(a) ?? '').join('')],
  [
    'trim_end',
    ([pattern, a]) =>
      (text(a) ?? '').replace(new RegExp(`(${text(pattern)})+$`), ''),
  ],
  [
    'extract',
    ([pattern, group, a]) =>
      new RegExp(text(pattern)!).exec(text(a) ?? '')?.[Number(group)] ?? '',
  ],
  ['iff', ([condition, a, b]) => (condition === true ? a : b)],
  [
    'case',
    (args) => {
      for (let i = 0; i + 1 < args.length; i += 2)
        if (args[i] === true) return args[i + 1]
      return args[args.length - 1]
    },
  ],
])

function compile(source: string): Expression {
  return new ExpressionParser(tokenize(source)).parse()
}

/**
 * Runs a rendered query over rows and returns the projected result rows.
 * Comments, `let` statements, the source line, `where`, `extend`,
 * `project` and `order by` are read; the source's parameters and the time
 * filter are not applied.
 */
export function evaluateQuery(query: string, rows: readonly Row[]): Row[] {
  const variables = new Map<string, Value>()
  let current: Row[] = rows.map((row) => ({ ...row }))
  for (const line of query.split('\n')) {
    if (line.startsWith('//')) continue
    const letMatch = /^let (\w+) = (.*);$/.exec(line)
    if (letMatch) {
      variables.set(letMatch[1], compile(letMatch[2])({}, variables))
      continue
    }
    if (!line.startsWith('| ')) continue
    current = applyStage(line.slice(2), current, variables)
  }
  return current
}

function applyStage(
  stage: string,
  rows: Row[],
  variables: Map<string, Value>,
): Row[] {
  const [operator, ...rest] = stage.split(' ')
  const body = rest.join(' ')
  if (operator === 'where') {
    const test = compile(body)
    return rows.filter((row) => test(row, variables) === true)
  }
  if (operator === 'extend') {
    const assignment = /^(\w+) = (.*)$/.exec(body)!
    const value = compile(assignment[2])
    return rows.map((row) => ({
      ...row,
      [assignment[1]]: value(row, variables) as Row[string],
    }))
  }
  if (operator === 'project') {
    const columns = body.split(', ')
    return rows.map((row) =>
      Object.fromEntries(columns.map((c) => [c, row[c] ?? null])),
    )
  }
  if (operator === 'order') return rows
  throw new Error(`evaluator: unsupported stage ${stage}`)
}
