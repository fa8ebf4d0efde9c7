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
    'feed.bin: unknown JSON feed: neither a ThreatFox export (an object of IOC ids, each with a list of records) nor an API response (with query_status). Pass a ThreatFox JSON or CSV export, a ZIP of one, or a ThreatFox API response saved as JSON',
  )
})

test('content unknown text format', () => {
  assertFeedError(
    text('evil.example\nbad.example\n'),
    'unknown-format',
    'feed.bin: unknown feed format: not JSON, not a ZIP archive and no ThreatFox CSV header. Pass a ThreatFox JSON or CSV export, a ZIP of one, or a ThreatFox API response saved as JSON',
  )
})

test('content binary data', () => {
  assertFeedError(
    new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe]),
    'unknown-format',
    'feed.bin: not UTF-8 text and not a ZIP archive. Pass a ThreatFox JSON, CSV or ZIP export, or an API response saved as JSON',
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
