import assert from 'node:assert/strict'
import { test } from 'node:test'

import type { Indicator } from './indicator.ts'
import { mergeIndicator } from './merge-indicator.ts'

function indicator(overrides: Partial<Indicator>): Indicator {
  return {
    key: 'domain|evil.example|ClearFake',
    type: 'domain',
    value: 'evil.example',
    family: 'ClearFake',
    aliases: [],
    threatType: 'payload_delivery',
    firstSeen: '2026-07-24T07:11:09Z',
    confidence: 90,
    tags: [],
    references: [],
    defanged: false,
    origins: [],
    ...overrides,
  }
}

const ORIGIN_A = {
  feed: 'threatfox',
  file: 'a.json',
  recordId: '1856673',
  rawValue: 'evil.example',
}
const ORIGIN_B = {
  feed: 'threatfox',
  file: 'b.csv',
  recordId: '1856785',
  rawValue: 'evil[.]example',
}

test('merge two records of one indicator', () => {
  const existing = indicator({
    firstSeen: '2026-07-24T13:23:33Z',
    confidence: 100,
    aliases: ['Fake Update'],
    tags: ['ClearFake', 'windows'],
    references: ['https://a.example/report'],
    origins: [ORIGIN_A],
  })
  const incoming = indicator({
    threatType: 'botnet_cc',
    firstSeen: '2026-07-24T07:11:09Z',
    lastSeen: '2026-07-25T00:00:00Z',
    confidence: 90,
    malwareId: 'js.clearfake',
    aliases: ['fake update', 'ClearFake JS'],
    tags: ['clearfake', 'ClickFix'],
    references: ['https://b.example/report', 'https://a.example/report'],
    defanged: true,
    isCompromised: true,
    origins: [ORIGIN_B],
  })

  assert.deepEqual(mergeIndicator(existing, incoming), {
    key: 'domain|evil.example|ClearFake',
    type: 'domain',
    value: 'evil.example',
    family: 'ClearFake',
    malwareId: 'js.clearfake',
    aliases: ['Fake Update', 'ClearFake JS'],
    threatType: 'payload_delivery',
    firstSeen: '2026-07-24T07:11:09Z',
    lastSeen: '2026-07-25T00:00:00Z',
    confidence: 100,
    tags: ['ClearFake', 'windows', 'ClickFix'],
    references: ['https://a.example/report', 'https://b.example/report'],
    defanged: true,
    isCompromised: true,
    origins: [ORIGIN_A, ORIGIN_B],
  })
})

test('merge keeps latest last seen', () => {
  const merged = mergeIndicator(
    indicator({ lastSeen: '2026-07-26T00:00:00Z' }),
    indicator({ lastSeen: '2026-07-25T00:00:00Z' }),
  )
  assert.equal(merged.lastSeen, '2026-07-26T00:00:00Z')
})

test('merge without last seen', () => {
  const merged = mergeIndicator(indicator({}), indicator({}))
  assert.equal('lastSeen' in merged, false)
  assert.equal('isCompromised' in merged, false)
})

test('merge compromised flags', () => {
  const merged = mergeIndicator(
    indicator({ isCompromised: false }),
    indicator({ isCompromised: true }),
  )
  assert.equal(merged.isCompromised, true)
  const bothFalse = mergeIndicator(
    indicator({ isCompromised: false }),
    indicator({}),
  )
  assert.equal(bothFalse.isCompromised, false)
})
