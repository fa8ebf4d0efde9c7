import assert from 'node:assert/strict'
import { test } from 'node:test'

import { findFamilyOverlaps } from './find-family-overlaps.ts'
import type { Indicator } from './indicator.ts'

function indicator(family: string, value: string, port?: number): Indicator {
  const base: Indicator = {
    key: `ip|${value}|${family}`,
    type: 'ip',
    value,
    family,
    aliases: [],
    threatType: 'botnet_cc',
    firstSeen: '2026-04-11T19:37:36Z',
    confidence: 100,
    tags: [],
    references: [],
    defanged: false,
    origins: [],
  }
  return port === undefined ? base : { ...base, port }
}

test('overlaps list families per observable', () => {
  const overlaps = findFamilyOverlaps([
    indicator('Unknown malware', '203.0.113.9', 443),
    indicator('DCRat', '203.0.113.9', 443),
    indicator('Remcos', '203.0.113.9', 8080),
    indicator('AsyncRAT', '198.51.100.1'),
  ])
  assert.deepEqual(overlaps, [
    {
      observableKey: 'ip|203.0.113.9|443',
      families: ['DCRat', 'Unknown malware'],
    },
  ])
})
