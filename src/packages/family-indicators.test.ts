import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  REFERENCE_DCRAT,
  dcratIndicator,
} from '../../test/support/package-fakes.ts'
import { groupIndicatorsByFamily } from './family-indicators.ts'

test('groups one family', () => {
  const [family, ...rest] = groupIndicatorsByFamily(REFERENCE_DCRAT)
  assert.equal(rest.length, 0)
  assert.equal(family!.name, 'DCRat')
  assert.equal(family!.slug, 'dcrat')
  assert.deepEqual(family!.aliases, ['DarkCrystal RAT'])
  assert.deepEqual(family!.malwareIds, ['win.dcrat'])
})

test('orders indicators by value', () => {
  const [family] = groupIndicatorsByFamily(REFERENCE_DCRAT)
  assert.deepEqual(
    family!.indicators.map((i) => `${i.value}:${i.port}`),
    ['93.177.103.55:9999', '94.26.90.55:8888'],
  )
})

test('aliases merge without family name', () => {
  const renamed = {
    ...dcratIndicator('203.0.113.9', 8080, '1'),
    aliases: ['DCRat', 'DcRAT', 'AsyncRAT fork'],
  }
  const [family] = groupIndicatorsByFamily([...REFERENCE_DCRAT, renamed])
  assert.deepEqual(family!.aliases, ['AsyncRAT fork', 'DarkCrystal RAT'])
})

test('families sorted by name', () => {
  const unknown = {
    ...dcratIndicator('203.0.113.9', 8080, '1'),
    family: 'Unknown malware',
  }
  const agent = {
    ...dcratIndicator('203.0.113.10', 8080, '2'),
    family: 'Agent Tesla',
  }
  const families = groupIndicatorsByFamily([unknown, ...REFERENCE_DCRAT, agent])
  assert.deepEqual(
    families.map((f) => [f.name, f.slug]),
    [
      ['Agent Tesla', 'agent-tesla'],
      ['DCRat', 'dcrat'],
      ['Unknown malware', 'unknown-malware'],
    ],
  )
})
