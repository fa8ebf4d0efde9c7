import assert from 'node:assert/strict'
import { test } from 'node:test'

import type { FeedRecord } from '../feeds/feed-record.ts'
import { normaliseRecord } from './normalise-record.ts'

function feedRecord(overrides: Partial<FeedRecord> = {}): FeedRecord {
  const value = overrides.value ?? '203.0.113.9:8080'
  return {
    origin: {
      feed: 'threatfox',
      file: 'feed.json',
      recordId: '1784393',
      rawValue: value,
    },
    feedType: 'ip:port',
    value,
    threatType: 'botnet_cc',
    family: 'DCRat',
    malwareId: 'win.dcrat',
    aliases: ['DarkCrystal RAT'],
    firstSeen: '2026-04-11 19:37:36',
    confidence: 100,
    tags: ['DCRat', 'dcrat', 'c2'],
    references: [],
    ...overrides,
  }
}

test('record ip:port becomes ip indicator', () => {
  assert.deepEqual(normaliseRecord(feedRecord()), {
    indicator: {
      key: 'ip|203.0.113.9|8080|DCRat',
      type: 'ip',
      value: '203.0.113.9',
      ipVersion: 4,
      port: 8080,
      family: 'DCRat',
      malwareId: 'win.dcrat',
      aliases: ['DarkCrystal RAT'],
      threatType: 'botnet_cc',
      firstSeen: '2026-04-11T19:37:36Z',
      confidence: 100,
      tags: ['DCRat', 'c2'],
      references: [],
      defanged: false,
      origins: [feedRecord().origin],
    },
  })
})

test('record defanged IPv4 without port', () => {
  const { indicator } = normaliseRecord(feedRecord({ value: '203.0.113[.]45' }))
  assert.equal(indicator?.type, 'ip')
  assert.equal(indicator?.value, '203.0.113.45')
  assert.equal(indicator?.port, undefined)
  assert.equal(indicator?.url, undefined)
  assert.equal(indicator?.defanged, true)
  assert.equal(indicator?.key, 'ip|203.0.113.45|DCRat')
})

test('record invalid octet rejected with IOC id', () => {
  const record = feedRecord({ value: '203.0.300.17:443' })
  assert.deepEqual(normaliseRecord(record), {
    rejected: {
      file: 'feed.json',
      recordId: '1784393',
      value: '203.0.300.17:443',
      reason:
        'invalid IPv4 address "203.0.300.17": octet 300 is greater than 255',
    },
  })
})

test('record below minimum confidence', () => {
  const record = feedRecord({ confidence: 50 })
  assert.equal(
    normaliseRecord(record, { minConfidence: 75 }).rejected?.reason,
    'confidence 50 is below the minimum 75',
  )
})

test('record confidence compared as number', () => {
  for (const confidence of [75, 90, 100, '75', '100']) {
    const outcome = normaliseRecord(feedRecord({ confidence }), {
      minConfidence: 75,
    })
    assert.equal(outcome.rejected, undefined, `confidence ${confidence}`)
  }
  const outcome = normaliseRecord(feedRecord({ confidence: '9' }), {
    minConfidence: 75,
  })
  assert.equal(outcome.rejected?.reason, 'confidence 9 is below the minimum 75')
})

test('record confidence out of range', () => {
  assert.equal(
    normaliseRecord(feedRecord({ confidence: 101 })).rejected?.reason,
    'confidence 101 is out of range: expected 0 to 100',
  )
})

test('record unknown feed type', () => {
  assert.equal(
    normaliseRecord(feedRecord({ feedType: 'email' })).rejected?.reason,
    'unknown indicator type "email": expected one of ip:port, domain, url, md5_hash, sha1_hash, sha256_hash, ip, md5, sha1, sha256',
  )
})

test('record missing family kept as unknown', () => {
  const { indicator } = normaliseRecord(feedRecord({ family: undefined }))
  assert.equal(indicator?.family, 'Unknown malware')
  assert.equal(indicator?.key, 'ip|203.0.113.9|8080|Unknown malware')
})

test('record feed family kept', () => {
  const { indicator } = normaliseRecord(
    feedRecord({ family: ' Unknown Stealer ' }),
  )
  assert.equal(indicator?.family, 'Unknown Stealer')
})

test('record last seen before first seen', () => {
  const record = feedRecord({
    firstSeen: '2026-04-11 07:07:26',
    lastSeen: '2026-04-09 14:08:17',
  })
  const { indicator } = normaliseRecord(record)
  assert.equal(indicator?.firstSeen, '2026-04-09T14:08:17Z')
  assert.equal(indicator?.lastSeen, '2026-04-11T07:07:26Z')
})

test('record invalid timestamp', () => {
  assert.equal(
    normaliseRecord(feedRecord({ lastSeen: '2026-02-30 10:00:00' })).rejected
      ?.reason,
    'invalid timestamp "2026-02-30 10:00:00": no such date or time',
  )
  assert.equal(
    normaliseRecord(feedRecord({ firstSeen: undefined })).rejected?.reason,
    'first seen is missing',
  )
})

test('record reader problem rejected', () => {
  const record = feedRecord({
    problem: 'CSV row has 14 fields, but the header has 15 columns',
  })
  assert.equal(
    normaliseRecord(record).rejected?.reason,
    'CSV row has 14 fields, but the header has 15 columns',
  )
})

test('record compromised flag kept', () => {
  const { indicator } = normaliseRecord(feedRecord({ isCompromised: true }))
  assert.equal(indicator?.isCompromised, true)
})
