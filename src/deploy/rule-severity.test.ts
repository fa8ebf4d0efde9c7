import assert from 'node:assert/strict'
import { test } from 'node:test'

import { indicatorSeverity, ruleSeverity } from './rule-severity.ts'

test('indicatorSeverity follows the table', () => {
  const cases: [string, number, string][] = [
    ['botnet_cc', 100, 'High'],
    ['botnet_cc', 90, 'High'],
    ['botnet_cc', 89, 'Medium'],
    ['payload_delivery', 75, 'Medium'],
    ['payload', 74, 'Low'],
    ['botnet_cc', 50, 'Low'],
    ['botnet_cc', 49, 'Informational'],
    ['cc_skimming', 100, 'Medium'],
    ['cc_skimming', 80, 'Low'],
    ['unknown_type', 95, 'Medium'],
    ['unknown_type', 10, 'Informational'],
  ]
  for (const [threatType, confidence, expected] of cases) {
    assert.equal(
      indicatorSeverity(threatType, confidence),
      expected,
      `${threatType} ${confidence}`,
    )
  }
})

test('ruleSeverity takes the highest', () => {
  const severity = ruleSeverity([
    { threatType: 'botnet_cc', confidence: 50 },
    { threatType: 'botnet_cc', confidence: 95 },
    { threatType: 'cc_skimming', confidence: 100 },
  ])
  assert.equal(severity, 'High')
})

test('ruleSeverity of nothing is Informational', () => {
  assert.equal(ruleSeverity([]), 'Informational')
})
