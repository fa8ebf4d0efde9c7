import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import { FeedError } from '../feed-error.ts'
import {
  findThreatFoxCsvHeader,
  readThreatFoxCsvExport,
} from './threatfox-csv-export.ts'

const FIXTURE = new URL(
  '../../../test/fixtures/threatfox/threatfox-export-csv-recent-excerpt.csv',
  import.meta.url,
)
const SOURCE = { file: 'recent.csv' }

const HEADER =
  '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","is_compromised","reference","tags","anonymous","reporter"'

test('csv fixture has 32 rows', () => {
  const records = readThreatFoxCsvExport(readFileSync(FIXTURE, 'utf8'), SOURCE)
  assert.equal(records.length, 32)
  assert.equal(
    records.filter((record) => record.problem !== undefined).length,
    0,
  )
})

test('csv fixture first row fields', () => {
  const [first] = readThreatFoxCsvExport(readFileSync(FIXTURE, 'utf8'), SOURCE)
  assert.deepEqual(first, {
    origin: {
      feed: 'threatfox',
      file: 'recent.csv',
      recordId: '1784524',
      rawValue: 'call4-back.veq4tralis.in.net',
    },
    feedType: 'domain',
    value: 'call4-back.veq4tralis.in.net',
    threatType: 'payload_delivery',
    family: 'ClearFake',
    malwareId: 'js.clearfake',
    aliases: [],
    firstSeen: '2026-04-12 04:49:28',
    lastSeen: '2026-04-12 04:49:29',
    confidence: '100',
    isCompromised: false,
    tags: ['ClearFake'],
    references: [],
  })
})

test('csv commented header, None and extra column', () => {
  const text = [
    '# ThreatFox IOCs: recent additions - CSV format',
    '#',
    '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","is_compromised","reference","tags","anonymous","reporter","new_column"',
    '"2026-04-11 13:15:41", "1784275", "38.190.224.70:4438", "ip:port", "botnet_cc", "win.remcos", "RemcosRAT,Remvio,Socmer", "Remcos", "None", "75", "False", "None", "remcos", "0", "redacted", "surprise"',
    '"2026-04-11 07:07:19", "1783543", "googlemt.xyz", "domain", "payload_delivery", "unknown", "None", "Unknown malware", "", "75", "True", "", "None", "0", "redacted", ""',
  ].join('\n')

  assert.deepEqual(readThreatFoxCsvExport(text, SOURCE), [
    {
      origin: {
        feed: 'threatfox',
        file: 'recent.csv',
        recordId: '1784275',
        rawValue: '38.190.224.70:4438',
      },
      feedType: 'ip:port',
      value: '38.190.224.70:4438',
      threatType: 'botnet_cc',
      family: 'Remcos',
      malwareId: 'win.remcos',
      aliases: ['RemcosRAT', 'Remvio', 'Socmer'],
      firstSeen: '2026-04-11 13:15:41',
      confidence: '75',
      isCompromised: false,
      tags: ['remcos'],
      references: [],
    },
    {
      origin: {
        feed: 'threatfox',
        file: 'recent.csv',
        recordId: '1783543',
        rawValue: 'googlemt.xyz',
      },
      feedType: 'domain',
      value: 'googlemt.xyz',
      threatType: 'payload_delivery',
      family: 'Unknown malware',
      malwareId: 'unknown',
      aliases: [],
      firstSeen: '2026-04-11 07:07:19',
      confidence: '75',
      isCompromised: true,
      tags: [],
      references: [],
    },
  ])
})

test('csv columns read by name', () => {
  const text = [
    '# "ioc_value","confidence_level","ioc_type","ioc_id","malware_printable","threat_type","first_seen_utc"',
    '"evil.example","90","domain","7","DCRat","botnet_cc","2026-04-11 19:37:36"',
  ].join('\n')
  const [record] = readThreatFoxCsvExport(text, SOURCE)
  assert.equal(record.value, 'evil.example')
  assert.equal(record.confidence, '90')
  assert.equal(record.family, 'DCRat')
  assert.equal(record.origin.recordId, '7')
})

test('csv plain header line', () => {
  const text = [
    '"ioc_id","ioc_value","ioc_type","threat_type","malware_printable","first_seen_utc","confidence_level"',
    '"7","evil.example","domain","botnet_cc","DCRat","2026-04-11 19:37:36","90"',
  ].join('\r\n')
  const records = readThreatFoxCsvExport(text, SOURCE)
  assert.equal(records.length, 1)
  assert.equal(records[0].value, 'evil.example')
})

test('csv missing column', () => {
  const text = [HEADER.replace('"confidence_level",', '')].join('\n')
  assert.throws(
    () => readThreatFoxCsvExport(text, SOURCE),
    (error) => {
      assert.ok(error instanceof FeedError)
      assert.equal(error.code, 'missing-columns')
      assert.equal(
        error.message,
        'recent.csv: the CSV header on line 1 is missing the column(s) confidence_level. Pass a complete ThreatFox CSV export; these columns are required',
      )
      return true
    },
  )
})

test('csv row with missing fields', () => {
  const text = [
    HEADER,
    '"2026-04-11 13:15:41", "1784275", "38.190.224.70:4438", "ip:port"',
  ].join('\n')
  const [record] = readThreatFoxCsvExport(text, SOURCE)
  assert.equal(
    record.problem,
    'CSV row has 4 fields, but the header has 15 columns',
  )
  assert.equal(record.origin.recordId, '1784275')
})

test('csv empty id uses line number', () => {
  const text = [
    '#',
    HEADER,
    '"2026-04-11 13:15:41", "", "38.190.224.70:4438", "ip:port", "botnet_cc", "win.remcos", "None", "Remcos", "None", "75", "False", "None", "remcos", "0", "redacted"',
  ].join('\n')
  const [record] = readThreatFoxCsvExport(text, SOURCE)
  assert.equal(record.origin.recordId, 'line 3')
})

test('csv broken quoting', () => {
  const text = [
    HEADER,
    '"2026-04-11 13:15:41", "1784275", "38.190.224.70:4438"x, "ip:port"',
  ].join('\n')
  assert.throws(
    () => readThreatFoxCsvExport(text, SOURCE),
    (error) => {
      assert.ok(error instanceof FeedError)
      assert.equal(error.code, 'invalid-csv')
      assert.match(error.message, /^recent\.csv: invalid CSV: .*line 2/)
      return true
    },
  )
})

test('csv header not found', () => {
  assert.equal(findThreatFoxCsvHeader('# comment\n"a","b"\n'), undefined)
  assert.equal(findThreatFoxCsvHeader('ioc_value\n'), undefined)
  assert.deepEqual(findThreatFoxCsvHeader(`#\n\n${HEADER}\n`)?.line, 3)
})
