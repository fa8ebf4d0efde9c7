import assert from 'node:assert/strict'
import { test } from 'node:test'

import {
  RuleDurationError,
  formatIsoDuration,
  formatShortDuration,
  parseRuleDuration,
} from './rule-duration.ts'

test('parseRuleDuration reads short forms', () => {
  assert.equal(parseRuleDuration('5m'), 5)
  assert.equal(parseRuleDuration('1h'), 60)
  assert.equal(parseRuleDuration('14d'), 20160)
})

test('parseRuleDuration reads ISO 8601', () => {
  assert.equal(parseRuleDuration('PT1H'), 60)
  assert.equal(parseRuleDuration('P14D'), 20160)
  assert.equal(parseRuleDuration('PT1H30M'), 90)
  assert.equal(parseRuleDuration('P1DT2H'), 1560)
})

test('parseRuleDuration rejects bad text', () => {
  for (const text of [
    '',
    '1',
    '1s',
    'PT30S',
    'P',
    'PT',
    '0h',
    'P0D',
    '1.5h',
    '-1h',
    'h',
  ]) {
    assert.throws(() => parseRuleDuration(text), RuleDurationError, text)
  }
})

test('formatShortDuration picks the largest unit', () => {
  assert.equal(formatShortDuration(20160), '14d')
  assert.equal(formatShortDuration(60), '1h')
  assert.equal(formatShortDuration(90), '90m')
  assert.equal(formatShortDuration(5), '5m')
})

test('formatIsoDuration writes ARM durations', () => {
  assert.equal(formatIsoDuration(60), 'PT1H')
  assert.equal(formatIsoDuration(1440), 'P1D')
  assert.equal(formatIsoDuration(20160), 'P14D')
  assert.equal(formatIsoDuration(90), 'PT1H30M')
  assert.equal(formatIsoDuration(5), 'PT5M')
  assert.equal(formatIsoDuration(1560), 'P1DT2H')
})

test('formatIsoDuration round-trips through parse', () => {
  for (const minutes of [5, 59, 60, 61, 1439, 1440, 1441, 2880, 20160]) {
    assert.equal(parseRuleDuration(formatIsoDuration(minutes)), minutes)
    assert.equal(parseRuleDuration(formatShortDuration(minutes)), minutes)
  }
})
