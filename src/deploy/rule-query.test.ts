import assert from 'node:assert/strict'
import { test } from 'node:test'

import { QueryRewriteError, replaceLine, ruleQueryText } from './rule-query.ts'

test('ruleQueryText swaps the header and appends stages', () => {
  const hunt =
    '// Hunting query\n// Family: "X"\nlet lookback = 1h;\nSyslog\n| take 1'
  assert.equal(
    ruleQueryText(hunt, ['Rule'], ['extend A = 1']),
    '// Rule\nlet lookback = 1h;\nSyslog\n| take 1\n| extend A = 1',
  )
})

test('replaceLine replaces and removes', () => {
  assert.equal(replaceLine('a\nb\nc', 'q', 'b', 'B'), 'a\nB\nc')
  assert.equal(replaceLine('a\nb\nc', 'q', 'b', undefined), 'a\nc')
})

test('replaceLine rejects missing and repeated lines', () => {
  assert.throws(
    () => replaceLine('a\nb', 'q.kql', 'x', 'y'),
    /q\.kql: expected the line "x" once, found it 0 times/,
  )
  assert.throws(() => replaceLine('a\na', 'q.kql', 'a', 'y'), QueryRewriteError)
})
