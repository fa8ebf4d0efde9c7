import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import {
  isThreatFoxJsonExport,
  readThreatFoxJsonExport,
} from './threatfox-json-export.ts'

const FIXTURE = new URL(
  '../../../test/fixtures/threatfox/threatfox-export-json-recent-4488.json',
  import.meta.url,
)
const SOURCE = { file: 'recent.json' }

function readFixture() {
  const json: unknown = JSON.parse(readFileSync(FIXTURE, 'utf8'))
  assert.ok(isThreatFoxJsonExport(json))
  return readThreatFoxJsonExport(json, SOURCE)
}

test('json export fixture record count', () => {
  assert.equal(readFixture().length, 4490)
})

test('json export reference record fields', () => {
  const record = readFixture().find(
    (item) => item.origin.recordId === 'reference-dcrat-1',
  )
  assert.deepEqual(record, {
    origin: {
      feed: 'threatfox',
      file: 'recent.json',
      recordId: 'reference-dcrat-1',
      rawValue: '94.26.90.55:8888',
    },
    feedType: 'ip:port',
    value: '94.26.90.55:8888',
    threatType: 'botnet_cc',
    family: 'DCRat',
    malwareId: 'win.dcrat',
    aliases: ['DarkCrystal RAT'],
    firstSeen: '2026-05-23 00:00:00',
    confidence: 100,
    isCompromised: false,
    tags: ['DCRat'],
    references: [],
  })
})

test('json export entry not an object', () => {
  const records = readThreatFoxJsonExport(
    { '17': ['evil.example', null] },
    SOURCE,
  )
  assert.deepEqual(
    records.map((record) => [record.origin.recordId, record.problem]),
    [
      ['17', 'record is a string, expected a JSON object'],
      ['17', 'record is null, expected a JSON object'],
    ],
  )
})

test('json export shape detection', () => {
  assert.equal(isThreatFoxJsonExport({ '1': [] }), true)
  assert.equal(isThreatFoxJsonExport({ '1': {} }), false)
  assert.equal(isThreatFoxJsonExport([]), false)
  assert.equal(isThreatFoxJsonExport({ query_status: 'ok', data: [] }), false)
})

test('json export null and numeric fields', () => {
  const [record] = readThreatFoxJsonExport(
    {
      '5': [
        {
          ioc_value: null,
          ioc_type: 'domain',
          confidence_level: '80',
          reference: 'https://a.example/r,1',
          tags: null,
        },
      ],
    },
    SOURCE,
  )
  assert.equal(record.value, '')
  assert.equal(record.origin.rawValue, '')
  assert.equal(record.confidence, '80')
  assert.deepEqual(record.references, ['https://a.example/r,1'])
  assert.deepEqual(record.tags, [])
})
