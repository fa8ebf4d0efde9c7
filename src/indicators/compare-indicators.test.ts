import assert from 'node:assert/strict'
import { test } from 'node:test'

import { compareIndicators } from './compare-indicators.ts'
import type { Indicator } from './indicator.ts'

function indicator(
  family: string,
  type: Indicator['type'],
  value: string,
  port?: number,
): Indicator {
  const base: Indicator = {
    key: `${type}|${value}|${port}|${family}`,
    type,
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

test('sort by family, type, value, port', () => {
  const sorted = [
    indicator('Remcos', 'ip', '203.0.113.9', 8080),
    indicator('DCRat', 'url', 'http://a.example/'),
    indicator('Remcos', 'ip', '203.0.113.9'),
    indicator('DCRat', 'domain', 'b.example'),
    indicator('Remcos', 'ip', '203.0.113.9', 443),
    indicator('DCRat', 'domain', 'a.example'),
    indicator('AsyncRAT', 'sha256', 'f'.repeat(64)),
  ].sort(compareIndicators)

  assert.deepEqual(
    sorted.map((item) => item.key),
    [
      `sha256|${'f'.repeat(64)}|undefined|AsyncRAT`,
      'domain|a.example|undefined|DCRat',
      'domain|b.example|undefined|DCRat',
      'url|http://a.example/|undefined|DCRat',
      'ip|203.0.113.9|undefined|Remcos',
      'ip|203.0.113.9|443|Remcos',
      'ip|203.0.113.9|8080|Remcos',
    ],
  )
})

test('sort uses code units, not locale', () => {
  const sorted = [
    indicator('b', 'domain', 'x.example'),
    indicator('B', 'domain', 'x.example'),
    indicator('a', 'domain', 'x.example'),
  ].sort(compareIndicators)
  assert.deepEqual(
    sorted.map((item) => item.family),
    ['B', 'a', 'b'],
  )
})
