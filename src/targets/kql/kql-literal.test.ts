import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  loadKustoLanguage,
  type KustoSyntaxNode,
} from '../../validation/kusto-language.ts'
import { KqlLiteralError, kqlDynamicStrings, kqlString } from './kql-literal.ts'
import { kqlTimespan } from './kql-literal.ts'

const { kusto, bridge } = loadKustoLanguage()

const kindNames = new Map<number, string>()
for (const [name, value] of Object.entries(kusto.Syntax.SyntaxKind)) {
  if (typeof value === 'number') kindNames.set(value, name)
}

function kindName(node: KustoSyntaxNode): string {
  return kindNames.get(node.Kind) ?? `SyntaxKind ${node.Kind}`
}

function descendants(node: KustoSyntaxNode): KustoSyntaxNode[] {
  const nodes = [node]
  for (let i = 0; i < node.ChildCount; i++) {
    const child = node.GetChild(i)
    if (child) nodes.push(...descendants(child))
  }
  return nodes
}

interface ParsedQuery {
  /** Kind names of all nodes, in tree order. */
  kinds: string[]
  statementKinds: string[]
  /** Every literal expression node; `dynamic(...)` itself is not one. */
  literals: KustoSyntaxNode[]
  stringLiterals: KustoSyntaxNode[]
  diagnostics: string[]
}

/** Parses and binds `text` with Kusto's built-in names only. */
function parse(text: string): ParsedQuery {
  const code = kusto.KustoCode.ParseAndAnalyze(text, kusto.GlobalState.Default)
  const nodes = descendants(code.Syntax)
  const items = code.GetDiagnostics()
  const diagnostics: string[] = []
  for (let i = 0; i < items.Count; i++) {
    const item = items.getItem(i)
    diagnostics.push(`${item.Start}: ${item.Message}`)
  }
  const kinds = nodes.map(kindName)
  return {
    kinds,
    statementKinds: kinds.filter((kind) => kind.endsWith('Statement')),
    literals: nodes.filter((n) => bridge.is(n, kusto.Syntax.LiteralExpression)),
    stringLiterals: nodes.filter(
      (n) => kindName(n) === 'StringLiteralExpression',
    ),
    diagnostics,
  }
}

/** Text of the tokens under `node`, joined without trivia. */
function tokenText(node: KustoSyntaxNode): string {
  return descendants(node)
    .filter((n) => n.IsToken)
    .map((n) => n.Text ?? '')
    .join('')
}

/**
 * Checks that `print v = <kqlString(value)>` is one statement with one
 * string literal that spans the whole written literal and decodes to
 * `value`, and that the parser reports nothing.
 */
function assertRoundTrip(value: string): void {
  const literal = kqlString(value)
  const parsed = parse(`print v = ${literal}`)
  const label = JSON.stringify(value)

  assert.deepEqual(parsed.diagnostics, [], `diagnostics for ${label}`)
  assert.deepEqual(
    parsed.statementKinds,
    ['ExpressionStatement'],
    `statements for ${label}`,
  )
  assert.equal(parsed.literals.length, 1, `literal count for ${label}`)
  const [node] = parsed.literals
  assert.equal(kindName(node), 'StringLiteralExpression', `kind for ${label}`)
  assert.equal(tokenText(node), literal, `literal extent for ${label}`)
  assert.equal(node.LiteralValue, value, `LiteralValue for ${label}`)
  assert.equal(node.ConstantValue, value, `ConstantValue for ${label}`)
}

// Values that could end a literal early, start a comment, add an operator
// or statement, or be read as an escape.
const HARD_VALUES = [
  '',
  '"',
  "'",
  '\\',
  '\\\\',
  '"\'"',
  'a"b',
  "a'b",
  '\\"',
  '\\\\"',
  'http://203.0.113.7:6600/abc\\',
  'http://203.0.113.7:6600/a"b\'c\\d|e//f',
  '|',
  'a | take 1',
  '//',
  'http://bad-example.com//gate.php',
  '*/',
  '/*',
  '; drop',
  '"; drop table DeviceNetworkEvents; //',
  "'; print 1; '",
  '\\u00e9',
  '\\n',
  '\\t',
  '@"x"',
  "h'x'",
  '{0} %s ${x}',
  'dynamic(["a"])',
  ')]}',
  'Ünïcödé',
  '日本語のドメイン.example',
  'مرحبا',
  '😀',
  '👨‍👩‍👧',
  'a\u200bb',
  '\ufeffbom',
  'non\u00a0breaking',
  'x'.repeat(10_000),
  '"\\'.repeat(2_000),
]

test('kqlString hard values round-trip', () => {
  for (const value of HARD_VALUES) assertRoundTrip(value)
})

// mulberry32, a small seeded generator, so that every run checks the same
// strings and a failure can be replayed.
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SPECIAL = ['"', "'", '\\', '|', '/', '*', ';', '@', '[', ']', '(', ')']

// Code points of printable characters: ASCII, the rest of the BMP outside
// the C1 controls, the line and paragraph separators and the surrogates,
// and the astral planes.
function randomCharacter(random: () => number): string {
  const pick = random()
  if (pick < 0.3) return SPECIAL[Math.floor(random() * SPECIAL.length)]
  if (pick < 0.7) return String.fromCharCode(0x20 + Math.floor(random() * 95))
  if (pick < 0.9) {
    let code: number
    do code = 0xa0 + Math.floor(random() * (0xfffe - 0xa0))
    while (
      (code >= 0xd800 && code <= 0xdfff) ||
      code === 0x2028 ||
      code === 0x2029
    )
    return String.fromCharCode(code)
  }
  return String.fromCodePoint(0x10000 + Math.floor(random() * 0xfffff))
}

test('kqlString random values round-trip', () => {
  const random = seededRandom(20240404)
  for (let i = 0; i < 300; i++) {
    const length = Math.floor(random() * 40)
    let value = ''
    for (let j = 0; j < length; j++) value += randomCharacter(random)
    assertRoundTrip(value)
  }
})

test('kqlString escapes quote and backslash', () => {
  assert.equal(kqlString('a"b\\'), '"a\\"b\\\\"')
})

test('kqlDynamicStrings decodes per element', () => {
  const values = [
    'http://203.0.113.7:6600/abc\\',
    '"',
    "'",
    '',
    '; drop',
    '😀',
    ']), print 1 //',
  ]
  const parsed = parse(`let x = ${kqlDynamicStrings(values)}; print x`)

  assert.deepEqual(parsed.diagnostics, [])
  assert.deepEqual(parsed.statementKinds, [
    'LetStatement',
    'ExpressionStatement',
  ])
  assert.deepEqual(
    parsed.stringLiterals.map((node) => node.LiteralValue),
    values,
  )
  assert.deepEqual(
    parsed.literals.map(kindName),
    values.map(() => 'StringLiteralExpression'),
  )
  assert.equal(
    parsed.kinds.filter((kind) => kind === 'DynamicExpression').length,
    1,
  )
})

test('kqlDynamicStrings ThreatFox values decode', () => {
  const export4488 = JSON.parse(
    readFileSync(
      new URL(
        '../../../test/fixtures/threatfox/threatfox-export-json-recent-4488.json',
        import.meta.url,
      ),
      'utf8',
    ),
  ) as Record<string, { ioc_value: string }[]>
  const values = Object.values(export4488)
    .flat()
    .map((record) => record.ioc_value)
  const parsed = parse(`let x = ${kqlDynamicStrings(values)}; print x`)

  assert.equal(values.length, 4490)
  assert.deepEqual(parsed.diagnostics, [])
  assert.deepEqual(
    parsed.stringLiterals.map((node) => node.LiteralValue),
    values,
  )
})

test('kqlDynamicStrings empty list parses', () => {
  const text = kqlDynamicStrings([])
  const parsed = parse(`let x = ${text}; print x`)

  assert.equal(text, 'dynamic([])')
  assert.deepEqual(parsed.diagnostics, [])
  assert.equal(parsed.stringLiterals.length, 0)
})

test('kqlString control characters rejected', () => {
  const cases = [
    ['a\nb', 'U+000a at offset 1'],
    ['\tx', 'U+0009 at offset 0'],
    ['x\u0000', 'U+0000 at offset 1'],
    ['ab\rc', 'U+000d at offset 2'],
    ['http://x/\u2028', 'U+2028 at offset 9'],
    ['\u2029', 'U+2029 at offset 0'],
    ['a\u0085', 'U+0085 at offset 1'],
    ['a\u007f', 'U+007f at offset 1'],
    ['😀\n', 'U+000a at offset 2'],
  ]
  for (const [value, where] of cases) {
    assert.throws(
      () => kqlString(value),
      (error: unknown) => {
        assert.ok(error instanceof KqlLiteralError)
        assert.equal(error.value, value)
        assert.equal(
          error.message,
          `cannot write ${JSON.stringify(value)} as a KQL string: ` +
            `control character ${where}; remove it from the input`,
        )
        return true
      },
    )
  }
})

test('kqlString unpaired surrogates rejected', () => {
  const cases = [
    ['\ud800', 'U+d800 at offset 0'],
    ['ab\udc00', 'U+dc00 at offset 2'],
    ['😀\ud83d', 'U+d83d at offset 2'],
  ]
  for (const [value, where] of cases) {
    assert.throws(() => kqlString(value), {
      name: 'KqlLiteralError',
      message:
        `cannot write ${JSON.stringify(value)} as a KQL string: ` +
        `unpaired UTF-16 surrogate ${where}; the value is not valid Unicode text, so correct the input`,
    })
  }
})

test('kqlDynamicStrings rejects a bad element', () => {
  assert.throws(() => kqlDynamicStrings(['ok', 'bad\nvalue']), {
    name: 'KqlLiteralError',
    message:
      'cannot write "bad\\nvalue" as a KQL string: control character U+000a at offset 3; remove it from the input',
  })
})

test('kqlTimespan keeps a valid timespan', () => {
  for (const value of ['14d', '12h', '30m', '90s', '999999d']) {
    assert.equal(kqlTimespan(value), value)
  }
})

test('kqlTimespan rejects other text', () => {
  for (const value of [
    '',
    '0d',
    '14',
    '2w',
    '1.5d',
    '14d; print 1',
    '-1d',
    'NaNd',
  ]) {
    assert.throws(() => kqlTimespan(value), KqlLiteralError, value)
  }
})
