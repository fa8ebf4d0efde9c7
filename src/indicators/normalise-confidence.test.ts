import assert from 'node:assert/strict'
import { test } from 'node:test'

import { normaliseConfidence } from './normalise-confidence.ts'

test('confidence number', () => {
  assert.equal(normaliseConfidence(75), 75)
  assert.equal(normaliseConfidence(0), 0)
})

test('confidence digit string', () => {
  assert.equal(normaliseConfidence('100'), 100)
  assert.equal(normaliseConfidence(' 75 '), 75)
  assert.equal(normaliseConfidence('87.5'), 87.5)
})

test('confidence above 100', () => {
  assert.throws(() => normaliseConfidence(101), {
    reason: 'confidence 101 is out of range: expected 0 to 100',
  })
  assert.throws(() => normaliseConfidence('150'), {
    reason: 'confidence 150 is out of range: expected 0 to 100',
  })
})

test('confidence not a number', () => {
  for (const raw of ['high', '-5', '', '1e2']) {
    assert.throws(() => normaliseConfidence(raw), {
      reason: `invalid confidence "${raw}": expected a number from 0 to 100`,
    })
  }
  assert.throws(() => normaliseConfidence(-1), {
    reason: 'invalid confidence "-1": expected a number from 0 to 100',
  })
})

test('confidence missing', () => {
  assert.throws(() => normaliseConfidence(undefined), {
    reason: 'confidence is missing',
  })
})
