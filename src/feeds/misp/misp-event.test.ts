import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import type { FeedRecord } from '../feed-record.ts'
import { findMispEvents, readMispEvents } from './misp-event.ts'

const FIXTURES = new URL(
  '../../../test/fixtures/feeds/stix-misp/',
  import.meta.url,
)
const SOURCE = { file: 'event.json' }

function readFixture(name: string): FeedRecord[] {
  const json: unknown = JSON.parse(
    readFileSync(new URL(name, FIXTURES), 'utf8'),
  )
  const events = findMispEvents(json)
  assert.ok(events !== undefined)
  return readMispEvents(events, SOURCE)
}

function readEvent(event: Record<string, unknown>): FeedRecord[] {
  const events = findMispEvents({ Event: { info: 'test event', ...event } })
  assert.ok(events !== undefined)
  return readMispEvents(events, SOURCE)
}

function attribute(overrides: Record<string, unknown>) {
  return {
    uuid: 'a-1',
    type: 'ip-dst',
    category: 'Network activity',
    to_ids: true,
    timestamp: '1775037600',
    value: '198.51.100.1',
    ...overrides,
  }
}

function countBy(records: FeedRecord[], key: (record: FeedRecord) => string) {
  const counts: Record<string, number> = {}
  for (const record of records) {
    const name = key(record)
    counts[name] = (counts[name] ?? 0) + 1
  }
  return counts
}

test('misp Mozi fixture counts', () => {
  const records = readFixture('eset-mozi-mozi.misp-event.json')
  assert.equal(records.length, 151)
  assert.deepEqual(
    countBy(records, (record) => record.problem ?? record.feedType),
    {
      'MISP attribute type "text" is not an indicator type huntpack reads (it reads ip-dst, ip-src, ip-dst|port, ip-src|port, domain, hostname, domain|ip, url, md5, sha1, sha256, filename|md5, filename|sha1, filename|sha256, malware-sample)': 61,
      'MISP attribute type "port" is not an indicator type huntpack reads (it reads ip-dst, ip-src, ip-dst|port, ip-src|port, domain, hostname, domain|ip, url, md5, sha1, sha256, filename|md5, filename|sha1, filename|sha256, malware-sample)': 11,
      'to_ids is false: the event author did not mark this attribute for detection': 5,
      url: 11,
      md5_hash: 21,
      sha1_hash: 21,
      sha256_hash: 21,
    },
  )
})

test('misp Mozi fixture has no family', () => {
  const families = readFixture('eset-mozi-mozi.misp-event.json').map(
    (record) => record.family,
  )
  assert.deepEqual([...new Set(families)], [undefined])
})

test('misp Mozi fixture object URL', () => {
  const record = readFixture('eset-mozi-mozi.misp-event.json').find(
    (item) => item.value === 'http://157.119.75.16/Mozi.6',
  )
  assert.deepEqual(record, {
    origin: {
      feed: 'misp',
      file: 'event.json',
      recordId: record?.origin.recordId,
      rawValue: 'http://157.119.75.16/Mozi.6',
    },
    feedType: 'url',
    value: 'http://157.119.75.16/Mozi.6',
    aliases: [],
    tags: ['ESET'],
    references: [],
    firstSeen: '2023-09-29T11:42:22.000000+00:00',
    confidence: 50,
  })
})

test('misp Mozi fixture victim address rejected', () => {
  const record = readFixture('eset-mozi-mozi.misp-event.json').find(
    (item) => item.value === '188.167.251.165',
  )
  assert.equal(
    record?.problem,
    'to_ids is false: the event author did not mark this attribute for detection',
  )
})

test('misp Stantinko fixture counts', () => {
  const records = readFixture('eset-stantinko-stantinko.misp-event.json')
  assert.equal(records.length, 340)
  assert.deepEqual(
    countBy(records, (record) =>
      record.problem === undefined
        ? record.feedType
        : record.problem.split(' is ')[0],
    ),
    {
      sha1_hash: 126,
      domain: 87,
      ip: 81,
      'MISP attribute type "pdb"': 22,
      'MISP attribute type "regkey"': 13,
      'MISP attribute type "mutex"': 11,
    },
  )
})

test('misp Stantinko fixture family from tag', () => {
  const families = readFixture('eset-stantinko-stantinko.misp-event.json')
    .filter((record) => record.problem === undefined)
    .map((record) => record.family)
  assert.deepEqual([...new Set(families)], ['Stantinko'])
})

test('misp Stantinko fixture domain and IP', () => {
  const records = readFixture(
    'eset-stantinko-stantinko.misp-event.json',
  ).filter((record) => record.origin.rawValue === 'wsaudio.com|178.20.157.189')
  assert.deepEqual(
    records.map((record) => [record.feedType, record.value, record.threatType]),
    [
      ['domain', 'wsaudio.com', 'botnet_cc'],
      ['ip', '178.20.157.189', 'botnet_cc'],
    ],
  )
})

test('misp Stantinko fixture filename and hash', () => {
  const record = readFixture('eset-stantinko-stantinko.misp-event.json').find(
    (item) =>
      item.origin.rawValue ===
      'md_Films-174131.exe|8e3d8606ed916152b8f70d5e38026569bb7a20c4',
  )
  assert.deepEqual(record, {
    origin: {
      feed: 'misp',
      file: 'event.json',
      recordId: record?.origin.recordId,
      rawValue: 'md_Films-174131.exe|8e3d8606ed916152b8f70d5e38026569bb7a20c4',
    },
    feedType: 'sha1_hash',
    value: '8e3d8606ed916152b8f70d5e38026569bb7a20c4',
    aliases: [],
    tags: ['Stantinko'],
    references: [],
    threatType: 'payload',
    family: 'Stantinko',
    firstSeen: '2017-06-07T21:55:41Z',
    confidence: 50,
  })
})

test('misp event shapes', () => {
  const event = { info: 'x', Attribute: [] }
  assert.deepEqual(findMispEvents({ Event: event }), [event])
  assert.deepEqual(findMispEvents([{ Event: event }, { Event: event }]), [
    event,
    event,
  ])
  assert.deepEqual(findMispEvents({ response: [{ Event: event }] }), [event])
  assert.equal(findMispEvents([]), undefined)
  assert.equal(findMispEvents([{ Event: event }, { id: 1 }]), undefined)
  assert.equal(findMispEvents({ '1': [] }), undefined)
})

test('misp galaxy family and synonyms', () => {
  const records = readEvent({
    Galaxy: [
      {
        type: 'mitre-attack-pattern',
        GalaxyCluster: [{ value: 'Malware - T1587.001' }],
      },
      {
        type: 'mitre-malware',
        GalaxyCluster: [
          { value: 'Emotet - S0367', meta: { synonyms: ['Geodo'] } },
        ],
      },
      {
        type: 'malpedia',
        GalaxyCluster: [{ value: 'Emotet', meta: { synonyms: ['Heodo'] } }],
      },
    ],
    Attribute: [attribute({})],
  })
  assert.deepEqual(
    records.map((record) => [record.family, record.aliases]),
    [['Emotet', ['Geodo', 'Heodo']]],
  )
})

test('misp attribute galaxy tag wins', () => {
  const records = readEvent({
    Tag: [{ name: 'misp-galaxy:malpedia="Emotet"' }],
    Attribute: [
      attribute({
        Tag: [{ name: 'misp-galaxy:mitre-tool="Cobalt Strike - S0154"' }],
      }),
      attribute({ uuid: 'a-2', value: '198.51.100.2' }),
    ],
  })
  assert.deepEqual(
    records.map((record) => [record.value, record.family]),
    [
      ['198.51.100.1', 'Cobalt Strike'],
      ['198.51.100.2', 'Emotet'],
    ],
  )
})

test('misp two families give two records', () => {
  const records = readEvent({
    Tag: [
      { name: 'misp-galaxy:malpedia="IcedID"' },
      { name: 'misp-galaxy:malpedia="Cobalt Strike"' },
    ],
    Attribute: [attribute({})],
  })
  assert.deepEqual(
    records.map((record) => record.family),
    ['IcedID', 'Cobalt Strike'],
  )
})

test('misp info tag not organisation', () => {
  const records = readEvent({
    info: 'ESET report on an unnamed botnet',
    Orgc: { name: 'ESET' },
    Tag: [{ name: 'ESET' }, { name: 'tlp:white' }],
    Attribute: [attribute({})],
  })
  assert.equal(records[0].family, undefined)
  assert.deepEqual(records[0].tags, ['ESET'])
})

test('misp confidence tag', () => {
  const records = readEvent({
    Tag: [
      { name: 'estimative-language:confidence-in-analytic-judgment="high"' },
    ],
    Attribute: [
      attribute({}),
      attribute({
        uuid: 'a-2',
        Tag: [
          { name: 'estimative-language:confidence-in-analytic-judgment="low"' },
        ],
      }),
    ],
  })
  assert.deepEqual(
    records.map((record) => record.confidence),
    [85, 15],
  )
})

test('misp composite types', () => {
  const records = readEvent({
    Attribute: [
      attribute({ type: 'ip-dst|port', value: '203.0.113.9|8080' }),
      attribute({ type: 'ip-src|port', value: '2001:db8::1|443' }),
      attribute({ type: 'hostname', value: 'c2.bad-example.com' }),
      attribute({
        type: 'filename|sha256',
        category: 'Payload delivery',
        value:
          'a|b.exe|991993be4623d5317e4ff9ba034fabeffcc81ec70c65ff7067fd68a7cfb13b28',
      }),
      attribute({
        type: 'malware-sample',
        value: 'x.zip|b8a89ec3fffab735bb689532f1d2410f',
      }),
      attribute({
        type: 'url',
        category: 'Payload delivery',
        value: 'hxxp://bad-example[.]com/a',
      }),
    ],
  })
  assert.deepEqual(
    records.map((record) => [record.feedType, record.value, record.threatType]),
    [
      ['ip:port', '203.0.113.9:8080', 'botnet_cc'],
      ['ip:port', '[2001:db8::1]:443', 'botnet_cc'],
      ['domain', 'c2.bad-example.com', 'botnet_cc'],
      [
        'sha256_hash',
        '991993be4623d5317e4ff9ba034fabeffcc81ec70c65ff7067fd68a7cfb13b28',
        'payload',
      ],
      ['md5_hash', 'b8a89ec3fffab735bb689532f1d2410f', 'payload'],
      ['url', 'hxxp://bad-example[.]com/a', 'payload_delivery'],
    ],
  )
})

test('misp rejected attributes', () => {
  const records = readEvent({
    Attribute: [
      attribute({ uuid: 'cidr', value: '198.51.100.0/24' }),
      attribute({ uuid: 'deleted', deleted: true }),
      attribute({ uuid: 'non-ids', to_ids: false }),
      attribute({
        uuid: 'no-bar',
        type: 'domain|ip',
        value: 'bad-example.com',
      }),
      attribute({ uuid: 'mutex', type: 'mutex', value: 'Global\\x' }),
      'not an attribute',
    ],
  })
  assert.deepEqual(
    records.map((record) => [record.origin.recordId, record.problem]),
    [
      [
        'cidr',
        'CIDR range "198.51.100.0/24" is not supported: huntpack hunts single IP addresses',
      ],
      ['deleted', 'the attribute is deleted in MISP'],
      [
        'non-ids',
        'to_ids is false: the event author did not mark this attribute for detection',
      ],
      [
        'no-bar',
        'invalid domain|ip value: expected two parts separated by "|"',
      ],
      [
        'mutex',
        'MISP attribute type "mutex" is not an indicator type huntpack reads (it reads ip-dst, ip-src, ip-dst|port, ip-src|port, domain, hostname, domain|ip, url, md5, sha1, sha256, filename|md5, filename|sha1, filename|sha256, malware-sample)',
      ],
      [
        'event 1 attribute 6',
        'event 1 attribute 6 is a string, expected a JSON object',
      ],
    ],
  )
})

test('misp ip-port object joins port', () => {
  const records = readEvent({
    Object: [
      {
        name: 'ip-port',
        first_seen: '2026-04-01T08:00:00+00:00',
        Attribute: [
          attribute({ object_relation: 'ip' }),
          attribute({
            uuid: 'port-1',
            type: 'port',
            object_relation: 'dst-port',
            to_ids: false,
            value: '8443',
          }),
        ],
      },
    ],
  })
  assert.deepEqual(
    records.map((record) => [record.feedType, record.value, record.firstSeen]),
    [['ip:port', '198.51.100.1:8443', '2026-04-01T08:00:00+00:00']],
  )
})

test('misp object with two ports keeps them apart', () => {
  const records = readEvent({
    Object: [
      {
        name: 'ip-port',
        Attribute: [
          attribute({ object_relation: 'ip' }),
          attribute({
            uuid: 'p1',
            type: 'port',
            object_relation: 'dst-port',
            value: '80',
          }),
          attribute({
            uuid: 'p2',
            type: 'port',
            object_relation: 'dst-port',
            value: '443',
          }),
        ],
      },
    ],
  })
  assert.deepEqual(
    records.map((record) => [record.value, record.problem?.slice(0, 25)]),
    [
      ['198.51.100.1', undefined],
      ['80', 'MISP attribute type "port'],
      ['443', 'MISP attribute type "port'],
    ],
  )
})

test('misp deleted object', () => {
  const records = readEvent({
    Object: [{ name: 'file', deleted: true, Attribute: [attribute({})] }],
  })
  assert.equal(
    records[0].problem,
    'the MISP object of this attribute is deleted',
  )
})

test('misp first seen order', () => {
  const records = readEvent({
    timestamp: '1700000000',
    Attribute: [
      attribute({ first_seen: '2026-01-02T03:04:05+00:00' }),
      attribute({ uuid: 'a-2' }),
      attribute({ uuid: 'a-3', timestamp: undefined }),
    ],
  })
  assert.deepEqual(
    records.map((record) => record.firstSeen),
    [
      '2026-01-02T03:04:05+00:00',
      '2026-04-01T10:00:00Z',
      '2023-11-14T22:13:20Z',
    ],
  )
})
