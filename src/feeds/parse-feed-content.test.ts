import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import { zipSync } from 'fflate'

import { FeedError, type FeedErrorCode } from './feed-error.ts'
import { parseFeedContent } from './parse-feed-content.ts'

const FIXTURES = new URL('../../test/fixtures/threatfox/', import.meta.url)
const CSV_FIXTURE = readFileSync(
  new URL('threatfox-export-csv-recent-excerpt.csv', FIXTURES),
)
const API_FIXTURE = readFileSync(
  new URL('threatfox-api-get_iocs-response-small.json', FIXTURES),
)
const SOURCE = { file: 'feed.bin' }

function assertFeedError(
  bytes: Uint8Array,
  code: FeedErrorCode,
  message: string,
) {
  assert.throws(
    () => parseFeedContent(bytes, SOURCE),
    (error) => {
      assert.ok(error instanceof FeedError)
      assert.equal(error.code, code)
      assert.equal(error.file, 'feed.bin')
      assert.equal(error.message, message)
      return true
    },
  )
}

function text(content: string): Uint8Array {
  return new TextEncoder().encode(content)
}

test('content ZIP of the CSV export', () => {
  const archive = zipSync({ 'full.csv': new Uint8Array(CSV_FIXTURE) })
  const records = parseFeedContent(archive, SOURCE)
  assert.equal(records.length, 32)
  assert.deepEqual(records[0].origin, {
    feed: 'threatfox',
    file: 'feed.bin',
    recordId: '1784524',
    rawValue: 'call4-back.veq4tralis.in.net',
    archiveEntry: 'full.csv',
  })
})

test('content ZIP entry read by content', () => {
  const archive = zipSync({
    'export/': {},
    'export/data.txt': new Uint8Array(API_FIXTURE),
  })
  const records = parseFeedContent(archive, SOURCE)
  assert.equal(records.length, 2)
  assert.equal(records[0].origin.archiveEntry, 'export/data.txt')
})

test('content ZIP with two files', () => {
  const archive = zipSync({ 'a.csv': text('x'), 'b.json': text('{}') })
  assertFeedError(
    archive,
    'invalid-zip',
    'feed.bin: the ZIP archive contains 2 files (a.csv, b.json), expected exactly one. Extract the feed file you want and pass it directly',
  )
})

test('content damaged ZIP', () => {
  const archive = zipSync({ 'full.csv': new Uint8Array(CSV_FIXTURE) })
  assert.throws(
    () => parseFeedContent(archive.slice(0, 200), SOURCE),
    (error) => {
      assert.ok(error instanceof FeedError)
      assert.equal(error.code, 'invalid-zip')
      assert.match(error.message, /^feed\.bin: the ZIP archive is damaged \(/)
      return true
    },
  )
})

test('content ZIP inside ZIP', () => {
  const inner = zipSync({ 'full.csv': new Uint8Array(CSV_FIXTURE) })
  assert.throws(
    () => parseFeedContent(zipSync({ 'inner.zip': inner }), SOURCE),
    {
      message:
        'feed.bin, entry inner.zip: the entry is itself a ZIP archive. Extract the inner archive and pass the feed file it contains',
    },
  )
})

test('content empty file', () => {
  assertFeedError(
    new Uint8Array(),
    'empty',
    'feed.bin: the file is empty. Download the feed again; an interrupted download leaves an empty file',
  )
  assertFeedError(
    text(' \n\t\n'),
    'empty',
    'feed.bin: the file is empty. Download the feed again; an interrupted download leaves an empty file',
  )
})

test('content truncated JSON', () => {
  assertFeedError(
    API_FIXTURE.subarray(0, 100),
    'invalid-json',
    `feed.bin: invalid JSON (${jsonErrorMessage(API_FIXTURE.subarray(0, 100))}). Download the feed again; an interrupted download leaves truncated JSON`,
  )
})

test('content JSON of unknown shape', () => {
  assertFeedError(
    text('[{"ioc": "evil.example"}]'),
    'unknown-format',
    'feed.bin: unknown JSON feed: not a ThreatFox export or API response, MISP event, STIX bundle, Feodo Tracker blocklist or URLhaus dump. Pass a ThreatFox, URLhaus or Feodo Tracker export, a STIX 2.1 bundle, a MISP event, a ZIP of one, or a text file that names indicators',
  )
})

test('content unknown text format', () => {
  assertFeedError(
    text('evil.example\nbad.example\n'),
    'unknown-format',
    'feed.bin: unknown feed format: not JSON, not a ZIP archive, no CSV header of ThreatFox, URLhaus or Feodo Tracker, and no indicator in the text. Pass a ThreatFox, URLhaus or Feodo Tracker export, a STIX 2.1 bundle, a MISP event, a ZIP of one, or a text file that names indicators',
  )
})

test('content binary data', () => {
  assertFeedError(
    new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe]),
    'unknown-format',
    'feed.bin: not UTF-8 text and not a ZIP archive. Pass a UTF-8 feed: a ThreatFox, URLhaus or Feodo Tracker export, a STIX 2.1 bundle, a MISP event, free text, or a ZIP of one of these',
  )
})

test('content byte order mark', () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...API_FIXTURE])
  assert.equal(parseFeedContent(bom, SOURCE).length, 2)
})

function jsonErrorMessage(bytes: Uint8Array): string {
  try {
    JSON.parse(new TextDecoder().decode(bytes))
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected invalid JSON')
}

const OTHER_FEEDS = new URL('../../test/fixtures/feeds/', import.meta.url)

function readOtherFeed(name: string): Uint8Array {
  return readFileSync(new URL(name, OTHER_FEEDS))
}

test('content formats by content', () => {
  const cases: Array<[string, string, number]> = [
    [
      'stix-misp/feeds2stix-abusech-sslblacklist-cobaltstrike.stix21.json',
      'stix',
      192,
    ],
    ['stix-misp/eset-mozi-mozi.misp-event.json', 'misp', 151],
    ['stix-misp/eset-stantinko-stantinko.misp-event.json', 'misp', 340],
    ['abusech-other/feodo-ipblocklist-2024-04-04.csv', 'feodotracker', 28],
    ['abusech-other/feodo-ipblocklist-json-small.json', 'feodotracker', 5],
    ['abusech-other/urlhaus-online-csv-excerpt.csv', 'urlhaus', 17],
    [
      'abusech-other/urlhaus-tld-csv-legacy-2019-intelmq-test.txt',
      'urlhaus',
      2,
    ],
  ]
  for (const [name, feed, count] of cases) {
    const records = parseFeedContent(readOtherFeed(name), SOURCE)
    assert.equal(records.length, count, name)
    assert.deepEqual(
      [...new Set(records.map((record) => record.origin.feed))],
      [feed],
      name,
    )
  }
})

test('content ZIP of a STIX bundle', () => {
  const archive = zipSync({
    'bundle.json': new Uint8Array(
      readOtherFeed(
        'stix-misp/feeds2stix-abusech-sslblacklist-cobaltstrike.stix21.json',
      ),
    ),
  })
  const records = parseFeedContent(archive, SOURCE)
  assert.equal(records.length, 192)
  assert.equal(records[0].origin.archiveEntry, 'bundle.json')
})

test('content URLhaus JSON dump', () => {
  const dump = {
    '7': [{ url: 'http://bad-example.com/a', urlhaus_link: 'x', tags: null }],
  }
  const records = parseFeedContent(text(JSON.stringify(dump)), SOURCE)
  assert.equal(records[0].origin.feed, 'urlhaus')
})

test('content free text', () => {
  const records = parseFeedContent(
    text('[2026-05-01] C2 at 203.0.113[.]5, see hxxp://bad-example[.]com/x\n'),
    SOURCE,
    { freeText: { family: 'DCRat', firstSeen: '2026-05-01T00:00:00Z' } },
  )
  assert.deepEqual(
    records.map((record) => [
      record.origin.feed,
      record.origin.recordId,
      record.feedType,
      record.value,
      record.family,
    ]),
    [
      ['text', 'line 1', 'ip', '203.0.113[.]5', 'DCRat'],
      ['text', 'line 1', 'url', 'hxxp://bad-example[.]com/x', 'DCRat'],
    ],
  )
})

test('content truncated STIX bundle', () => {
  const bytes = readOtherFeed(
    'stix-misp/feeds2stix-abusech-sslblacklist-cobaltstrike.stix21.json',
  ).subarray(0, 500)
  assert.throws(() => parseFeedContent(bytes, SOURCE), {
    name: 'FeedError',
    code: 'invalid-json',
  })
})
