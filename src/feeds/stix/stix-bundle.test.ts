import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import { isStixBundle, readStixBundle, type StixBundle } from './stix-bundle.ts'

const FIXTURE = new URL(
  '../../../test/fixtures/feeds/stix-misp/feeds2stix-abusech-sslblacklist-cobaltstrike.stix21.json',
  import.meta.url,
)
const SOURCE = { file: 'bundle.json' }
const INDICATOR_ID = 'indicator--6583f08d-8a71-5b2a-971a-97190e8dad2c'

function readFixture() {
  const json: unknown = JSON.parse(readFileSync(FIXTURE, 'utf8'))
  assert.ok(isStixBundle(json))
  return readStixBundle(json, SOURCE)
}

function bundle(...objects: unknown[]): StixBundle {
  return { type: 'bundle', objects }
}

function indicator(overrides: Record<string, unknown>) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: 'indicator--0001',
    created: '2026-04-01T10:00:00.000Z',
    modified: '2026-04-02T10:00:00.000Z',
    valid_from: '2026-04-01T10:00:00Z',
    pattern_type: 'stix',
    pattern: "[ipv4-addr:value = '198.51.100.1']",
    ...overrides,
  }
}

test('bundle fixture record count', () => {
  const records = readFixture()
  assert.equal(records.length, 192)
})

test('bundle fixture indicator hashes', () => {
  const records = readFixture().filter(
    (record) => record.origin.recordId === INDICATOR_ID,
  )
  assert.equal(records.length, 96)
  assert.equal(new Set(records.map((record) => record.value)).size, 96)
  assert.deepEqual(records[0], {
    origin: {
      feed: 'stix',
      file: 'bundle.json',
      recordId: INDICATOR_ID,
      rawValue: '16b297fe392a082c653ed159106253c76c2e6b66',
    },
    feedType: 'sha1_hash',
    value: '16b297fe392a082c653ed159106253c76c2e6b66',
    aliases: [],
    tags: [],
    references: [],
    threatType: 'payload',
    family: 'CobaltStrike',
    firstSeen: '2018-01-26T11:14:38Z',
    lastSeen: '2024-05-19T05:54:12.000Z',
    confidence: 50,
  })
  assert.equal(records[95].value, '851471ad803a2d58302ce4e7091b84456443626e')
})

test('bundle fixture malware samples', () => {
  const samples = readFixture().filter((record) =>
    record.origin.recordId.startsWith('file--'),
  )
  assert.equal(samples.length, 96)
  assert.deepEqual(samples[0], {
    origin: {
      feed: 'stix',
      file: 'bundle.json',
      recordId: 'file--117e2528-05ed-55a9-9775-bfad3c9d9958',
      rawValue: '16b297fe392a082c653ed159106253c76c2e6b66',
    },
    feedType: 'sha1_hash',
    value: '16b297fe392a082c653ed159106253c76c2e6b66',
    aliases: [],
    tags: [],
    references: [],
    threatType: 'payload',
    family: 'CobaltStrike',
    firstSeen: '2018-01-26T11:14:38.000Z',
    lastSeen: '2024-05-19T05:54:12.000Z',
    confidence: 50,
  })
})

test('bundle row 15 pattern', () => {
  const records = readStixBundle(
    bundle(
      indicator({
        pattern:
          "[network-traffic:dst_ref.value = '203.0.113.20' AND network-traffic:dst_port = 8443]",
      }),
    ),
    SOURCE,
  )
  assert.deepEqual(
    records.map((record) => [record.feedType, record.value]),
    [['ip:port', '203.0.113.20:8443']],
  )
})

test('bundle family from indicates relationship', () => {
  const records = readStixBundle(
    bundle(
      indicator({ name: 'C2 of a loader', confidence: 85, labels: ['c2'] }),
      {
        type: 'malware',
        id: 'malware--0001',
        name: 'DCRat',
        aliases: ['DarkCrystal RAT'],
        is_family: true,
      },
      {
        type: 'relationship',
        id: 'relationship--0001',
        relationship_type: 'indicates',
        source_ref: 'indicator--0001',
        target_ref: 'malware--0001',
      },
    ),
    SOURCE,
  )
  assert.deepEqual(records, [
    {
      origin: {
        feed: 'stix',
        file: 'bundle.json',
        recordId: 'indicator--0001',
        rawValue: '198.51.100.1',
      },
      feedType: 'ip',
      value: '198.51.100.1',
      aliases: ['DarkCrystal RAT'],
      tags: ['c2'],
      references: [],
      family: 'DCRat',
      firstSeen: '2026-04-01T10:00:00Z',
      lastSeen: '2026-04-02T10:00:00.000Z',
      confidence: 85,
    },
  ])
})

test('bundle two families give two records', () => {
  const records = readStixBundle(
    bundle(
      indicator({}),
      { type: 'malware', id: 'malware--a', name: 'Remcos' },
      { type: 'tool', id: 'tool--b', name: 'Cobalt Strike' },
      ...['malware--a', 'tool--b'].map((target, index) => ({
        type: 'relationship',
        id: `relationship--${index}`,
        relationship_type: 'indicates',
        source_ref: 'indicator--0001',
        target_ref: target,
      })),
    ),
    SOURCE,
  )
  assert.deepEqual(
    records.map((record) => record.family),
    ['Remcos', 'Cobalt Strike'],
  )
})

test('bundle without family', () => {
  const [record] = readStixBundle(bundle(indicator({ name: 'Bad IP' })), SOURCE)
  assert.equal(record.family, undefined)
  assert.equal(record.threatType, undefined)
})

test('bundle valid until before modified', () => {
  const [record] = readStixBundle(
    bundle(indicator({ valid_until: '2026-04-01T12:00:00Z' })),
    SOURCE,
  )
  assert.equal(record.lastSeen, '2026-04-01T12:00:00Z')
})

test('bundle valid until after modified', () => {
  const [record] = readStixBundle(
    bundle(indicator({ valid_until: '2027-01-01T00:00:00Z' })),
    SOURCE,
  )
  assert.equal(record.lastSeen, '2026-04-02T10:00:00.000Z')
})

test('bundle references', () => {
  const [record] = readStixBundle(
    bundle(
      indicator({
        external_references: [
          { source_name: 'report', url: 'https://example.org/report' },
          { source_name: 'internal', external_id: 'X-1' },
        ],
      }),
    ),
    SOURCE,
  )
  assert.deepEqual(record.references, ['https://example.org/report'])
})

test('bundle rejected indicators', () => {
  const records = readStixBundle(
    bundle(
      indicator({ id: 'indicator--revoked', revoked: true }),
      indicator({
        id: 'indicator--yara',
        pattern_type: 'yara',
        pattern: 'rule a { condition: true }',
      }),
      indicator({ id: 'indicator--broken', pattern: "[ipv4-addr:value = '1" }),
      indicator({ id: 'indicator--empty', pattern: undefined }),
      indicator({
        id: 'indicator--matches',
        pattern: "[domain-name:value MATCHES '^bad']",
      }),
      'not an object',
    ),
    SOURCE,
  )
  assert.deepEqual(
    records.map((record) => [
      record.origin.recordId,
      record.value,
      record.problem,
    ]),
    [
      [
        'indicator--revoked',
        "[ipv4-addr:value = '198.51.100.1']",
        'the indicator is revoked',
      ],
      [
        'indicator--yara',
        'rule a { condition: true }',
        'pattern_type "yara" is not supported: huntpack reads STIX patterns',
      ],
      [
        'indicator--broken',
        "[ipv4-addr:value = '1",
        'invalid STIX pattern: unterminated string literal at character 20',
      ],
      ['indicator--empty', '', 'the indicator has no pattern'],
      [
        'indicator--matches',
        "domain-name:value MATCHES '^bad'",
        'the operator MATCHES is not supported: it tests a regular expression, and huntpack hunts exact values',
      ],
      ['object 6', '', 'object 6 is a string, expected a JSON object'],
    ],
  )
})

test('bundle STIX 2.0 indicator without pattern type', () => {
  const [record] = readStixBundle(
    bundle(indicator({ pattern_type: undefined })),
    SOURCE,
  )
  assert.equal(record.value, '198.51.100.1')
  assert.equal(record.problem, undefined)
})

test('bundle malware communicates with', () => {
  const records = readStixBundle(
    bundle(
      {
        type: 'malware',
        id: 'malware--0001',
        name: 'QakBot',
        first_seen: '2026-03-01T00:00:00Z',
        confidence: 90,
      },
      { type: 'ipv4-addr', id: 'ipv4-addr--0001', value: '198.51.100.20' },
      {
        type: 'domain-name',
        id: 'domain-name--0001',
        value: 'bad-example.com',
      },
      ...['ipv4-addr--0001', 'domain-name--0001', 'url--missing'].map(
        (target, index) => ({
          type: 'relationship',
          id: `relationship--${index}`,
          relationship_type: 'communicates-with',
          source_ref: 'malware--0001',
          target_ref: target,
        }),
      ),
    ),
    SOURCE,
  )
  assert.deepEqual(
    records.map((record) => [
      record.origin.recordId,
      record.feedType,
      record.value,
      record.family,
      record.threatType,
      record.firstSeen,
      record.confidence,
      record.problem,
    ]),
    [
      [
        'ipv4-addr--0001',
        'ip',
        '198.51.100.20',
        'QakBot',
        'botnet_cc',
        '2026-03-01T00:00:00Z',
        90,
        undefined,
      ],
      [
        'domain-name--0001',
        'domain',
        'bad-example.com',
        'QakBot',
        'botnet_cc',
        '2026-03-01T00:00:00Z',
        90,
        undefined,
      ],
      [
        'url--missing',
        '',
        'url--missing',
        undefined,
        'botnet_cc',
        '2026-03-01T00:00:00Z',
        90,
        'the object url--missing is not in the bundle',
      ],
    ],
  )
})

test('bundle observed data is reported', () => {
  const records = readStixBundle(
    bundle(
      {
        type: 'observed-data',
        id: 'observed-data--0001',
        first_observed: '2026-04-01T00:00:00Z',
        last_observed: '2026-04-01T00:00:00Z',
        number_observed: 1,
        object_refs: ['ipv4-addr--0001', 'email-addr--0001'],
      },
      { type: 'ipv4-addr', id: 'ipv4-addr--0001', value: '192.0.2.10' },
      { type: 'email-addr', id: 'email-addr--0001', value: 'a@example.org' },
    ),
    SOURCE,
  )
  assert.deepEqual(
    records.map((record) => [
      record.origin.recordId,
      record.value,
      record.problem,
    ]),
    [
      [
        'ipv4-addr--0001',
        '192.0.2.10',
        'observed-data records what was seen, not what is malicious: STIX puts detection content in indicator objects',
      ],
    ],
  )
})

test('bundle shape detection', () => {
  assert.equal(isStixBundle({ type: 'bundle', objects: [] }), true)
  assert.equal(isStixBundle({ type: 'bundle' }), false)
  assert.equal(isStixBundle({ type: 'indicator', objects: [] }), false)
  assert.equal(isStixBundle([]), false)
})
