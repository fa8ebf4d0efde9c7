import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import {
  findFeodoTrackerCsvHeader,
  readFeodoTrackerCsv,
} from './feodo-tracker-csv.ts'
import {
  isFeodoTrackerJson,
  readFeodoTrackerJson,
} from './feodo-tracker-json.ts'

const FIXTURES = new URL(
  '../../../test/fixtures/feeds/abusech-other/',
  import.meta.url,
)
const SOURCE = { file: 'feodo' }

function readCsv(text: string) {
  const header = findFeodoTrackerCsvHeader(text)
  assert.ok(header !== undefined)
  return readFeodoTrackerCsv(text, header, SOURCE)
}

function readCsvFixture() {
  return readCsv(
    readFileSync(new URL('feodo-ipblocklist-2024-04-04.csv', FIXTURES), 'utf8'),
  )
}

function readJsonFixture() {
  const json: unknown = JSON.parse(
    readFileSync(
      new URL('feodo-ipblocklist-json-small.json', FIXTURES),
      'utf8',
    ),
  )
  assert.ok(isFeodoTrackerJson(json))
  return readFeodoTrackerJson(json, SOURCE)
}

test('feodo CSV header', () => {
  const text = readFileSync(
    new URL('feodo-ipblocklist-2024-04-04.csv', FIXTURES),
    'utf8',
  )
  assert.deepEqual(findFeodoTrackerCsvHeader(text), {
    columns: [
      'first_seen_utc',
      'dst_ip',
      'dst_port',
      'c2_status',
      'last_online',
      'malware',
    ],
    line: 9,
    commented: false,
  })
})

test('feodo CSV fixture records', () => {
  const records = readCsvFixture()
  assert.equal(records.length, 28)
  assert.deepEqual(
    [...new Set(records.map((record) => record.family))],
    ['Pikabot'],
  )
  assert.deepEqual(records[0], {
    origin: {
      feed: 'feodotracker',
      file: 'feodo',
      recordId: 'line 10',
      rawValue: '192.9.135.73:1194',
    },
    feedType: 'ip:port',
    value: '192.9.135.73:1194',
    aliases: [],
    tags: [],
    references: ['https://feodotracker.abuse.ch/browse/host/192.9.135.73/'],
    threatType: 'botnet_cc',
    family: 'Pikabot',
    firstSeen: '2023-05-23 17:51:44',
    lastSeen: '2024-04-01 00:00:00',
    confidence: 75,
  })
})

test('feodo CSV last online on first day', () => {
  const record = readCsvFixture().at(-1)
  assert.equal(record?.value, '172.233.221.61:5938')
  assert.equal(record?.firstSeen, '2024-04-04 07:03:03')
  assert.equal(record?.lastSeen, '2024-04-04 07:03:03')
})

test('feodo CSV older header', () => {
  const records = readCsv(
    '# Firstseen,DstIP,DstPort,LastOnline,Malware\n2020-01-02 03:04:05,198.51.100.4,447,2020-01-05,TrickBot\n',
  )
  assert.deepEqual(
    records.map((record) => [record.value, record.family, record.lastSeen]),
    [['198.51.100.4:447', 'TrickBot', '2020-01-05 00:00:00']],
  )
})

test('feodo CSV short row', () => {
  const records = readCsv(
    '"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"\n"2024-01-01 00:00:00","198.51.100.4","447"\n',
  )
  assert.equal(
    records[0].problem,
    'CSV row has 3 fields, but the header has 6 columns',
  )
})

test('feodo JSON fixture records', () => {
  const records = readJsonFixture()
  assert.deepEqual(
    records.map((record) => [record.value, record.family]),
    [
      ['162.243.103.246:8080', 'Emotet'],
      ['50.16.16.211:443', 'QakBot'],
      ['34.204.119.63:443', 'QakBot'],
      ['178.62.3.223:443', 'QakBot'],
      ['27.133.154.218:443', 'QakBot'],
    ],
  )
  assert.deepEqual(records[1], {
    origin: {
      feed: 'feodotracker',
      file: 'feodo',
      recordId: 'record 2',
      rawValue: '50.16.16.211:443',
    },
    feedType: 'ip:port',
    value: '50.16.16.211:443',
    aliases: [],
    tags: [],
    references: ['https://feodotracker.abuse.ch/browse/host/50.16.16.211/'],
    threatType: 'botnet_cc',
    family: 'QakBot',
    firstSeen: '2025-12-30 13:56:31',
    lastSeen: '2026-03-12 00:00:00',
    confidence: 75,
  })
})

test('feodo JSON bad entries', () => {
  const records = readFeodoTrackerJson(
    [
      { ip_address: '198.51.100.4', port: 443, malware: 'QakBot' },
      { ip_address: '198.51.100.5', port: null, malware: 'QakBot' },
      7,
    ],
    SOURCE,
  )
  assert.deepEqual(
    records.map((record) => [record.origin.recordId, record.problem]),
    [
      ['record 1', undefined],
      ['record 2', 'the port is missing'],
      ['record 3', 'record is a number, expected a JSON object'],
    ],
  )
})

test('feodo JSON shape detection', () => {
  assert.equal(isFeodoTrackerJson([{ ip_address: 'a', port: 1 }]), true)
  assert.equal(isFeodoTrackerJson([]), false)
  assert.equal(isFeodoTrackerJson([{ ioc: 'a' }]), false)
  assert.equal(isFeodoTrackerJson({ ip_address: 'a', port: 1 }), false)
})
