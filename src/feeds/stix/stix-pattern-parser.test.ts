import assert from 'node:assert/strict'
import { test } from 'node:test'

import { parseStixPattern } from './stix-pattern-parser.ts'
import { StixPatternSyntaxError } from './stix-pattern-syntax-error.ts'

function assertSyntaxError(pattern: string, message: string) {
  assert.throws(
    () => parseStixPattern(pattern),
    (error) => {
      assert.ok(error instanceof StixPatternSyntaxError)
      assert.equal(error.message, message)
      return true
    },
  )
}

test('pattern address and port', () => {
  const pattern =
    "[network-traffic:dst_ref.value = '203.0.113.20' AND network-traffic:dst_port = 8443]"
  assert.deepEqual(parseStixPattern(pattern), {
    kind: 'observation',
    comparison: {
      kind: 'and',
      operands: [
        {
          kind: 'comparison',
          path: {
            objectType: 'network-traffic',
            steps: [{ key: 'dst_ref' }, { key: 'value' }],
          },
          operator: '=',
          negated: false,
          value: { kind: 'string', value: '203.0.113.20' },
          start: 1,
          end: 47,
        },
        {
          kind: 'comparison',
          path: { objectType: 'network-traffic', steps: [{ key: 'dst_port' }] },
          operator: '=',
          negated: false,
          value: { kind: 'integer', value: 8443 },
          start: 52,
          end: 83,
        },
      ],
      start: 1,
      end: 83,
    },
    start: 0,
    end: 84,
  })
})

test('pattern string escapes', () => {
  const tree = parseStixPattern("[url:value = 'http://a.example/it\\'s\\\\']")
  assert.equal(tree.kind, 'observation')
  assert.deepEqual(tree.kind === 'observation' && tree.comparison, {
    kind: 'comparison',
    path: { objectType: 'url', steps: [{ key: 'value' }] },
    operator: '=',
    negated: false,
    value: { kind: 'string', value: "http://a.example/it's\\" },
    start: 1,
    end: 39,
  })
})

test('pattern quoted and unquoted hash keys', () => {
  for (const [pattern, key] of [
    ["[file:hashes.'SHA-256' = 'a']", 'SHA-256'],
    ["[file:hashes.MD5 = 'a']", 'MD5'],
    ["[file:hashes.SHA-1 = 'a']", 'SHA-1'],
  ]) {
    const tree = parseStixPattern(pattern)
    const comparison = tree.kind === 'observation' ? tree.comparison : undefined
    assert.deepEqual(
      comparison?.kind === 'comparison' && comparison.path.steps,
      [{ key: 'hashes' }, { key }],
      pattern,
    )
  }
})

test('pattern AND binds tighter than OR', () => {
  const tree = parseStixPattern(
    "[ipv4-addr:value = 'a' OR ipv4-addr:value = 'b' AND ipv4-addr:value = 'c']",
  )
  const comparison = tree.kind === 'observation' ? tree.comparison : undefined
  assert.equal(comparison?.kind, 'or')
  assert.deepEqual(
    comparison?.kind === 'or' && comparison.operands.map((item) => item.kind),
    ['comparison', 'and'],
  )
})

test('pattern observation operators nest', () => {
  const tree = parseStixPattern(
    "([a:value = '1'] OR [b:value = '2'] AND [c:value = '3']) FOLLOWEDBY [d:value = '4'] WITHIN 60 SECONDS",
  )
  assert.equal(tree.kind, 'followed-by')
  const [left, right] = tree.kind === 'followed-by' ? tree.operands : []
  assert.equal(left.kind, 'observation-or')
  assert.deepEqual(
    left.kind === 'observation-or' && left.operands.map((item) => item.kind),
    ['observation', 'observation-and'],
  )
  assert.equal(right.kind, 'qualified')
  assert.equal(right.kind === 'qualified' && right.qualifier, 'WITHIN')
})

test('pattern parenthesised observation span', () => {
  const tree = parseStixPattern("( [url:value = 'x'] )")
  assert.equal(tree.kind, 'observation')
  assert.equal(tree.start, 0)
  assert.equal(tree.end, 21)
})

test('pattern other operators parse', () => {
  const cases: Array<[string, string, boolean]> = [
    ["[domain-name:value MATCHES '^evil']", 'MATCHES', false],
    ["[domain-name:value LIKE 'evil%']", 'LIKE', false],
    ["[ipv4-addr:value ISSUBSET '198.51.100.0/24']", 'ISSUBSET', false],
    ["[ipv4-addr:value ISSUPERSET '198.51.100.1/32']", 'ISSUPERSET', false],
    ["[ipv4-addr:value NOT = '198.51.100.1']", '=', true],
    ["[ipv4-addr:value != '198.51.100.1']", '!=', false],
    ["[ipv4-addr:value <> '198.51.100.1']", '!=', false],
    ['[file:size >= 1024]', '>=', false],
    ["[ipv4-addr:value NOT IN ('a', 'b')]", 'IN', true],
    ['[NOT EXISTS file:name]', 'EXISTS', true],
    ['[EXISTS file:name]', 'EXISTS', false],
  ]
  for (const [pattern, operator, negated] of cases) {
    const tree = parseStixPattern(pattern)
    const comparison = tree.kind === 'observation' ? tree.comparison : undefined
    assert.equal(
      comparison?.kind === 'comparison' && comparison.operator,
      operator,
      pattern,
    )
    assert.equal(
      comparison?.kind === 'comparison' && comparison.negated,
      negated,
      pattern,
    )
  }
})

test('pattern literal kinds', () => {
  const tree = parseStixPattern(
    "[x:a IN ('s', 1, -2, 1.5, true, t'2026-01-01T00:00:00Z', h'ff', b'AA==')]",
  )
  const comparison = tree.kind === 'observation' ? tree.comparison : undefined
  assert.deepEqual(comparison?.kind === 'comparison' && comparison.value, [
    { kind: 'string', value: 's' },
    { kind: 'integer', value: 1 },
    { kind: 'integer', value: -2 },
    { kind: 'float', value: 1.5 },
    { kind: 'boolean', value: true },
    { kind: 'timestamp', value: '2026-01-01T00:00:00Z' },
    { kind: 'hex', value: 'ff' },
    { kind: 'binary', value: 'AA==' },
  ])
})

test('pattern index path steps', () => {
  const tree = parseStixPattern(
    "[file:extensions.'windows-pebinary-ext'.sections[*].name = '.text' AND network-traffic:protocols[0] = 'tcp']",
  )
  const comparison = tree.kind === 'observation' ? tree.comparison : undefined
  const [first, second] = comparison?.kind === 'and' ? comparison.operands : []
  assert.deepEqual(first.kind === 'comparison' && first.path.steps, [
    { key: 'extensions' },
    { key: 'windows-pebinary-ext' },
    { key: 'sections' },
    { index: '*' },
    { key: 'name' },
  ])
  assert.deepEqual(second.kind === 'comparison' && second.path.steps, [
    { key: 'protocols' },
    { index: 0 },
  ])
})

test('pattern qualifiers', () => {
  for (const [pattern, qualifier] of [
    ["[url:value = 'x'] REPEATS 5 TIMES", 'REPEATS'],
    ["[url:value = 'x'] WITHIN 1.5 SECONDS", 'WITHIN'],
    [
      "[url:value = 'x'] START t'2026-01-01T00:00:00Z' STOP t'2026-02-01T00:00:00Z'",
      'START',
    ],
  ]) {
    const tree = parseStixPattern(pattern)
    assert.equal(
      tree.kind === 'qualified' && tree.qualifier,
      qualifier,
      pattern,
    )
    assert.equal(tree.end, pattern.length, pattern)
  }
})

test('pattern unterminated bracket', () => {
  assertSyntaxError(
    "[ipv4-addr:value = '198.51.100.1'",
    'expected "]", found the end of the pattern at character 34',
  )
})

test('pattern unterminated string', () => {
  assertSyntaxError(
    "[ipv4-addr:value = '198.51.100.1]",
    'unterminated string literal at character 20',
  )
})

test('pattern invalid escape', () => {
  assertSyntaxError(
    "[url:value = 'a\\nb']",
    'invalid escape: a backslash must be followed by \' or \\, found "n" at character 16',
  )
})

test('pattern two observations without operator', () => {
  assertSyntaxError(
    "[url:value = 'a'] [url:value = 'b']",
    'expected the end of the pattern, found "[" at character 19',
  )
})

test('pattern missing operator', () => {
  assertSyntaxError(
    "[url:value 'a']",
    'expected a comparison operator such as "=" or "IN", found "a" at character 12',
  )
})

test('pattern lower-case keyword', () => {
  assertSyntaxError(
    "[url:value = 'a' and url:value = 'b']",
    'expected "]", found "and" at character 18',
  )
})

test('pattern unexpected character', () => {
  assertSyntaxError(
    "[url:value = 'a'] ; drop",
    'unexpected character ";" at character 19',
  )
})

test('pattern empty', () => {
  assertSyntaxError(
    '  ',
    'expected "[" or "(" to start an observation expression, found the end of the pattern at character 3',
  )
})
