import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { zipSync } from 'fflate'

import type { Indicator, IngestResult } from '../indicators/indicator.ts'
import { FeedError, type FeedErrorCode } from './feed-error.ts'
import { ingestFeeds } from './ingest-feeds.ts'

const FIXTURES = fileURLToPath(
  new URL('../../test/fixtures/threatfox', import.meta.url),
)
const JSON_SAMPLE = `${FIXTURES}/threatfox-export-json-recent-4488.json`
const CSV_SAMPLE = `${FIXTURES}/threatfox-export-csv-recent-excerpt.csv`
const API_SAMPLE = `${FIXTURES}/threatfox-api-get_iocs-response-small.json`
const SUBMIT_RESPONSE = `${FIXTURES}/threatfox-api-submit-response.json`

const CSV_HEADER =
  '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias","malware_printable","last_seen_utc","confidence_level","is_compromised","reference","tags","anonymous","reporter"'

const temporaryDirectory = mkdtempSync(join(tmpdir(), 'huntpack-ingest-'))
after(() => rmSync(temporaryDirectory, { recursive: true, force: true }))

// The tests only read the result, so one ingest of the sample serves all.
let jsonSampleResult: Promise<IngestResult> | undefined
function ingestJsonSample(): Promise<IngestResult> {
  jsonSampleResult ??= ingestFeeds([JSON_SAMPLE])
  return jsonSampleResult
}

function writeTemporary(name: string, content: string | Uint8Array): string {
  const path = join(temporaryDirectory, name)
  writeFileSync(path, content)
  return path
}

function exportRecord(overrides: Record<string, unknown>) {
  return {
    ioc_value: '203.0.113.9:8080',
    ioc_type: 'ip:port',
    threat_type: 'botnet_cc',
    malware: 'win.dcrat',
    malware_alias: null,
    malware_printable: 'DCRat',
    first_seen_utc: '2026-05-23 00:00:00',
    last_seen_utc: null,
    confidence_level: 100,
    is_compromised: false,
    reference: null,
    tags: 'DCRat',
    anonymous: 0,
    ...overrides,
  }
}

function find(indicators: Indicator[], value: string): Indicator | undefined {
  return indicators.find((indicator) => indicator.value === value)
}

async function assertFeedError(path: string, code: FeedErrorCode) {
  await assert.rejects(ingestFeeds([path]), (error) => {
    assert.ok(error instanceof FeedError)
    assert.equal(error.code, code)
    assert.equal(error.file, path)
    assert.ok(error.message.startsWith(`${path}: `), error.message)
    return true
  })
}

test('ingest JSON sample totals', async () => {
  const result = await ingestJsonSample()
  assert.deepEqual(result.totals, {
    read: 4490,
    accepted: 4488,
    merged: 2,
    rejected: 0,
  })
  assert.equal(result.indicators.length, 4488)
  assert.deepEqual(result.rejected, [])
})

test('ingest JSON sample family overlaps', async () => {
  const result = await ingestJsonSample()
  const unknownAndClearFake = ['ClearFake', 'Unknown malware']
  assert.deepEqual(result.familyOverlaps, [
    { observableKey: 'domain|auth-clo-id.cc', families: unknownAndClearFake },
    {
      observableKey: 'domain|authorization-id-browser.info',
      families: unknownAndClearFake,
    },
    { observableKey: 'domain|kinikar.pro', families: unknownAndClearFake },
    { observableKey: 'domain|krabochel.pro', families: unknownAndClearFake },
    { observableKey: 'domain|popelkar.pro', families: unknownAndClearFake },
    {
      observableKey: 'domain|thewrayforward.com',
      families: ['IClickFix', 'Unknown malware'],
    },
    {
      observableKey: 'domain|verification.beer',
      families: unknownAndClearFake,
    },
  ])
})

test('ingest JSON sample merged duplicate', async () => {
  const result = await ingestJsonSample()
  assert.deepEqual(find(result.indicators, 'farmacia-bienestar.com'), {
    key: 'domain|farmacia-bienestar.com|ClearFake',
    type: 'domain',
    value: 'farmacia-bienestar.com',
    family: 'ClearFake',
    malwareId: 'js.clearfake',
    aliases: [],
    threatType: 'botnet_cc',
    firstSeen: '2026-07-24T07:11:09Z',
    confidence: 100,
    tags: ['ClearFake', 'ClickFix', 'EtherHiding'],
    references: [],
    defanged: false,
    isCompromised: false,
    origins: [
      {
        feed: 'threatfox',
        file: JSON_SAMPLE,
        recordId: '1856673',
        rawValue: 'farmacia-bienestar.com',
      },
      {
        feed: 'threatfox',
        file: JSON_SAMPLE,
        recordId: '1856785',
        rawValue: 'farmacia-bienestar.com',
      },
    ],
  })
})

test('ingest JSON sample reference DCRat', async () => {
  const result = await ingestJsonSample()
  const reference = result.indicators.filter((item) =>
    item.origins.some((origin) => origin.recordId.startsWith('reference-')),
  )
  assert.deepEqual(
    reference.map((item) => [item.key, item.origins[0].recordId]),
    [
      ['ip|93.177.103.55|9999|DCRat', 'reference-dcrat-2'],
      ['ip|94.26.90.55|8888|DCRat', 'reference-dcrat-1'],
    ],
  )
  assert.deepEqual(reference[1], {
    key: 'ip|94.26.90.55|8888|DCRat',
    type: 'ip',
    value: '94.26.90.55',
    ipVersion: 4,
    port: 8888,
    family: 'DCRat',
    malwareId: 'win.dcrat',
    aliases: ['DarkCrystal RAT'],
    threatType: 'botnet_cc',
    firstSeen: '2026-05-23T00:00:00Z',
    confidence: 100,
    tags: ['DCRat'],
    references: [],
    defanged: false,
    isCompromised: false,
    origins: [
      {
        feed: 'threatfox',
        file: JSON_SAMPLE,
        recordId: 'reference-dcrat-1',
        rawValue: '94.26.90.55:8888',
      },
    ],
  })
})

test('ingest JSON sample minimum confidence', async () => {
  const result = await ingestFeeds([JSON_SAMPLE], { minConfidence: 75 })
  assert.deepEqual(result.totals, {
    read: 4490,
    accepted: 4359,
    merged: 2,
    rejected: 129,
  })
  const reasons: Record<string, number> = {}
  for (const rejected of result.rejected) {
    reasons[rejected.reason] = (reasons[rejected.reason] ?? 0) + 1
  }
  assert.deepEqual(reasons, {
    'confidence 50 is below the minimum 75': 127,
    'confidence 49 is below the minimum 75': 2,
  })
})

test('ingest sorted by family, type, value, port', async () => {
  const { indicators } = await ingestJsonSample()
  const keys = indicators.map((item) => [
    item.family,
    item.type,
    item.value,
    item.port ?? 0,
  ])
  const sorted = [...keys].sort((left, right) => {
    for (let index = 0; index < left.length; index += 1) {
      if (left[index] < right[index]) return -1
      if (left[index] > right[index]) return 1
    }
    return 0
  })
  assert.deepEqual(keys, sorted)
})

test('ingest API fixture indicators', async () => {
  const result = await ingestFeeds([API_SAMPLE])
  assert.deepEqual(result.totals, {
    read: 2,
    accepted: 2,
    merged: 0,
    rejected: 0,
  })
  assert.deepEqual(result.indicators, [
    {
      key: 'sha256|cf87c474b0154c536cdf0e771c8ca97d9c4ba1d5530f669b677cd3b9346fe37d|Ave Maria',
      type: 'sha256',
      value: 'cf87c474b0154c536cdf0e771c8ca97d9c4ba1d5530f669b677cd3b9346fe37d',
      family: 'Ave Maria',
      malwareId: 'win.ave_maria',
      aliases: ['AVE_MARIA', 'AveMariaRAT', 'Warzone RAT', 'avemaria'],
      threatType: 'payload',
      firstSeen: '2022-01-06T09:15:29Z',
      confidence: 50,
      tags: [],
      references: [
        'https://twitter.com/RedBeardIOCs/status/1479018729715417094',
      ],
      defanged: false,
      origins: [
        {
          feed: 'threatfox',
          file: API_SAMPLE,
          recordId: '291505',
          rawValue:
            'cf87c474b0154c536cdf0e771c8ca97d9c4ba1d5530f669b677cd3b9346fe37d',
        },
      ],
    },
    {
      key: 'url|https://188.131.211.152/activity|Cobalt Strike',
      type: 'url',
      value: 'https://188.131.211.152/activity',
      url: {
        scheme: 'https',
        host: '188.131.211.152',
        pathAndQuery: '/activity',
      },
      family: 'Cobalt Strike',
      malwareId: 'win.cobalt_strike',
      aliases: ['Agentemis', 'BEACON', 'CobaltStrike'],
      threatType: 'botnet_cc',
      firstSeen: '2022-01-07T16:29:58Z',
      confidence: 100,
      tags: ['CobaltStrike', 'Cobalt Strike'],
      references: [],
      defanged: false,
      origins: [
        {
          feed: 'threatfox',
          file: API_SAMPLE,
          recordId: '291780',
          rawValue: 'https://188.131.211.152/activity',
        },
      ],
    },
  ])
})

test('ingest CSV fixture totals', async () => {
  const result = await ingestFeeds([CSV_SAMPLE])
  assert.deepEqual(result.totals, {
    read: 32,
    accepted: 32,
    merged: 0,
    rejected: 0,
  })
})

test('ingest CSV fixture defanged URLs', async () => {
  const { indicators } = await ingestFeeds([CSV_SAMPLE])
  const defanged = indicators.filter((item) => item.defanged)
  assert.deepEqual(
    defanged.map((item) => [item.value, item.origins[0].rawValue]),
    [
      [
        'https://download-version.1-5-8.com/claude.msixbundle',
        'hxxps://download-version.1-5-8.com/claude.msixbundle',
      ],
      [
        'https://test-dummy-validation-99999.com/test',
        'hxxps://test-dummy-validation-99999.com/test',
      ],
    ],
  )
})

test('ingest CSV fixture mixed-case domain', async () => {
  const { indicators } = await ingestFeeds([CSV_SAMPLE])
  const domain = find(indicators, 'serdyuk2-50934.portmap.host')
  assert.equal(domain?.origins[0].rawValue, 'SerdyuK2-50934.portmap.host')
  assert.equal(domain?.key, 'domain|serdyuk2-50934.portmap.host|XWorm')
})

test('ingest CSV fixture percent-encoded URL', async () => {
  const { indicators } = await ingestFeeds([CSV_SAMPLE])
  const value = 'http://45.32.150.251/DcBgkhPhBl%2FI%2B47SkwikzA%3D%3D'
  assert.equal(
    find(indicators, value)?.url?.pathAndQuery,
    '/DcBgkhPhBl%2FI%2B47SkwikzA%3D%3D',
  )
})

test('ingest CSV fixture last seen before first seen', async () => {
  const { indicators } = await ingestFeeds([CSV_SAMPLE])
  const domain = find(indicators, 'windlrr.com')
  assert.equal(domain?.firstSeen, '2026-04-09T14:08:17Z')
  assert.equal(domain?.lastSeen, '2026-04-11T07:07:26Z')
})

test('ingest JSON and CSV together', async () => {
  const result = await ingestFeeds([JSON_SAMPLE, CSV_SAMPLE])
  assert.deepEqual(result.totals, {
    read: 4522,
    accepted: 4520,
    merged: 2,
    rejected: 0,
  })
  const files = new Set(
    result.indicators.flatMap((item) =>
      item.origins.map((origin) => origin.file),
    ),
  )
  assert.deepEqual([...files].sort(), [CSV_SAMPLE, JSON_SAMPLE])
})

test('ingest ZIP of the CSV export', async () => {
  const archive = zipSync({
    'full.csv': new Uint8Array(readFileSync(CSV_SAMPLE)),
  })
  const path = writeTemporary('full_csv.zip', archive)
  const result = await ingestFeeds([path])
  assert.deepEqual(result.totals, {
    read: 32,
    accepted: 32,
    merged: 0,
    rejected: 0,
  })
  assert.deepEqual(find(result.indicators, 'windlrr.com')?.origins, [
    {
      feed: 'threatfox',
      file: path,
      recordId: '1783353',
      rawValue: 'windlrr.com',
      archiveEntry: 'full.csv',
    },
  ])
})

test('ingest CSV and its ZIP merge', async () => {
  const archive = zipSync({
    'full.csv': new Uint8Array(readFileSync(CSV_SAMPLE)),
  })
  const path = writeTemporary('again.zip', archive)
  const result = await ingestFeeds([CSV_SAMPLE, path])
  assert.deepEqual(result.totals, {
    read: 64,
    accepted: 32,
    merged: 32,
    rejected: 0,
  })
  const originCounts = result.indicators.map((item) => item.origins.length)
  assert.deepEqual([...new Set(originCounts)], [2])
})

test('ingest merges across feed formats', async () => {
  const exportPath = writeTemporary(
    'across.json',
    JSON.stringify({
      '1790001': [
        exportRecord({
          ioc_value: '38.190.224[.]70:4438',
          malware: 'win.remcos',
          malware_alias: 'Remcos RAT',
          malware_printable: 'Remcos',
          first_seen_utc: '2026-04-10 08:00:00',
          last_seen_utc: '2026-04-12 09:30:00',
          confidence_level: 90,
          is_compromised: true,
          reference: 'https://example.org/remcos-report',
          tags: 'Remcos,c2',
        }),
      ],
    }),
  )
  const result = await ingestFeeds([CSV_SAMPLE, exportPath])
  assert.deepEqual(result.totals, {
    read: 33,
    accepted: 32,
    merged: 1,
    rejected: 0,
  })
  assert.deepEqual(find(result.indicators, '38.190.224.70'), {
    key: 'ip|38.190.224.70|4438|Remcos',
    type: 'ip',
    value: '38.190.224.70',
    ipVersion: 4,
    port: 4438,
    family: 'Remcos',
    malwareId: 'win.remcos',
    aliases: ['RemcosRAT', 'Remvio', 'Socmer', 'Remcos RAT'],
    threatType: 'botnet_cc',
    firstSeen: '2026-04-10T08:00:00Z',
    lastSeen: '2026-04-12T09:30:00Z',
    confidence: 90,
    tags: ['remcos', 'c2'],
    references: [
      'https://bazaar.abuse.ch/sample/e29a9375ec13c8a7df64cdf4743fb77d4a3e651550269bf0942143adf42fa110/',
      'https://example.org/remcos-report',
    ],
    defanged: true,
    isCompromised: true,
    origins: [
      {
        feed: 'threatfox',
        file: CSV_SAMPLE,
        recordId: '1784275',
        rawValue: '38.190.224.70:4438',
      },
      {
        feed: 'threatfox',
        file: exportPath,
        recordId: '1790001',
        rawValue: '38.190.224[.]70:4438',
      },
    ],
  })
})

test('ingest minimum confidence numbers', async () => {
  const path = writeTemporary(
    'confidence.json',
    JSON.stringify({
      '1': [
        exportRecord({ ioc_value: '203.0.113.1:80', confidence_level: 50 }),
      ],
      '2': [
        exportRecord({ ioc_value: '203.0.113.2:80', confidence_level: 75 }),
      ],
      '3': [
        exportRecord({ ioc_value: '203.0.113.3:80', confidence_level: 90 }),
      ],
      '4': [
        exportRecord({ ioc_value: '203.0.113.4:80', confidence_level: 100 }),
      ],
    }),
  )
  const result = await ingestFeeds([path], { minConfidence: 75 })
  assert.deepEqual(
    result.indicators.map((item) => [item.value, item.confidence]),
    [
      ['203.0.113.2', 75],
      ['203.0.113.3', 90],
      ['203.0.113.4', 100],
    ],
  )
  assert.deepEqual(result.rejected, [
    {
      file: path,
      recordId: '1',
      value: '203.0.113.1:80',
      reason: 'confidence 50 is below the minimum 75',
    },
  ])
})

test('ingest minimum confidence strings', async () => {
  const rows = ['50', '75', '90', '100'].map(
    (confidence, index) =>
      `"2026-04-11 13:15:41", "${index + 1}", "203.0.113.${index + 1}:80", "ip:port", "botnet_cc", "win.remcos", "None", "Remcos", "None", "${confidence}", "False", "None", "remcos", "0", "redacted"`,
  )
  const path = writeTemporary(
    'confidence.csv',
    [CSV_HEADER, ...rows].join('\n'),
  )
  const result = await ingestFeeds([path], { minConfidence: 75 })
  assert.deepEqual(
    result.indicators.map((item) => item.confidence),
    [75, 90, 100],
  )
  assert.deepEqual(
    result.rejected.map((item) => item.reason),
    ['confidence 50 is below the minimum 75'],
  )
})

test('ingest rejected record report', async () => {
  const path = writeTemporary(
    'invalid.json',
    JSON.stringify({
      '1784999': [exportRecord({ ioc_value: '203.0.300.17:443' })],
      '1785000': [
        exportRecord({ ioc_value: 'http://a.example/x\ny', ioc_type: 'url' }),
      ],
      '1785001': [exportRecord({ ioc_type: 'email' })],
      '1785002': [exportRecord({ first_seen_utc: '2026-04-31 10:00:00' })],
    }),
  )
  const result = await ingestFeeds([path])
  assert.deepEqual(result.totals, {
    read: 4,
    accepted: 0,
    merged: 0,
    rejected: 4,
  })
  assert.deepEqual(result.rejected, [
    {
      file: path,
      recordId: '1784999',
      value: '203.0.300.17:443',
      reason:
        'invalid IPv4 address "203.0.300.17": octet 300 is greater than 255',
    },
    {
      file: path,
      recordId: '1785000',
      value: 'http://a.example/x\ny',
      reason: 'value contains a newline (U+000A) at position 18',
    },
    {
      file: path,
      recordId: '1785001',
      value: '203.0.113.9:8080',
      reason:
        'unknown indicator type "email": expected one of ip:port, domain, url, md5_hash, sha1_hash, sha256_hash, ip, md5, sha1, sha256',
    },
    {
      file: path,
      recordId: '1785002',
      value: '203.0.113.9:8080',
      reason: 'invalid timestamp "2026-04-31 10:00:00": no such date or time',
    },
  ])
})

test('ingest empty file', async () => {
  await assertFeedError(writeTemporary('empty.json', ''), 'empty')
})

test('ingest truncated JSON', async () => {
  const truncated = readFileSync(JSON_SAMPLE, 'utf8').slice(0, 5000)
  await assertFeedError(
    writeTemporary('truncated.json', truncated),
    'invalid-json',
  )
})

test('ingest submission response', async () => {
  await assertFeedError(SUBMIT_RESPONSE, 'api-error')
})

test('ingest API error status', async () => {
  const path = writeTemporary(
    'error.json',
    JSON.stringify({ query_status: 'illegal_search_term' }),
  )
  await assertFeedError(path, 'api-error')
})

test('ingest CSV missing column', async () => {
  const text = readFileSync(CSV_SAMPLE, 'utf8').replace('"ioc_type",', '')
  await assertFeedError(writeTemporary('missing.csv', text), 'missing-columns')
})

test('ingest missing file', async () => {
  await assertFeedError(join(temporaryDirectory, 'absent.json'), 'unreadable')
})

test('ingest directory', async () => {
  await assertFeedError(temporaryDirectory, 'unreadable')
})

test('ingest one bad file fails all', async () => {
  const empty = writeTemporary('empty-second.json', '')
  await assert.rejects(ingestFeeds([CSV_SAMPLE, empty]), FeedError)
})

test('ingest invalid minimum confidence', async () => {
  await assert.rejects(ingestFeeds([CSV_SAMPLE], { minConfidence: 150 }), {
    name: 'RangeError',
    message:
      'minimum confidence 150 is invalid: expected a number from 0 to 100',
  })
})

test('ingest no files', async () => {
  assert.deepEqual(await ingestFeeds([]), {
    indicators: [],
    totals: { read: 0, accepted: 0, merged: 0, rejected: 0 },
    rejected: [],
    familyOverlaps: [],
  })
})

test('ingest progress calls', async () => {
  const calls: Array<[number, number]> = []
  await ingestFeeds([JSON_SAMPLE, JSON_SAMPLE, JSON_SAMPLE], {
    onProgress: (done, total) => calls.push([done, total]),
  })
  assert.deepEqual(calls, [
    [10000, 13470],
    [13470, 13470],
  ])
})
