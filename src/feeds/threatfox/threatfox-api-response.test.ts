import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import { FeedError } from '../feed-error.ts'
import {
  isThreatFoxApiResponse,
  readThreatFoxApiResponse,
  type ThreatFoxApiResponse,
} from './threatfox-api-response.ts'

const FIXTURES = new URL('../../../test/fixtures/threatfox/', import.meta.url)
const SOURCE = { file: 'response.json' }

function readFixture(name: string): ThreatFoxApiResponse {
  const json: unknown = JSON.parse(
    readFileSync(new URL(name, FIXTURES), 'utf8'),
  )
  assert.ok(isThreatFoxApiResponse(json))
  return json
}

function assertApiError(response: ThreatFoxApiResponse, message: string) {
  assert.throws(
    () => readThreatFoxApiResponse(response, SOURCE),
    (error) => {
      assert.ok(error instanceof FeedError)
      assert.equal(error.code, 'api-error')
      assert.equal(error.message, message)
      return true
    },
  )
}

test('api response fixture records', () => {
  const records = readThreatFoxApiResponse(
    readFixture('threatfox-api-get_iocs-response-small.json'),
    SOURCE,
  )
  assert.deepEqual(records, [
    {
      origin: {
        feed: 'threatfox',
        file: 'response.json',
        recordId: '291780',
        rawValue: 'https://188.131.211.152/activity',
      },
      feedType: 'url',
      value: 'https://188.131.211.152/activity',
      threatType: 'botnet_cc',
      family: 'Cobalt Strike',
      malwareId: 'win.cobalt_strike',
      aliases: ['Agentemis', 'BEACON', 'CobaltStrike'],
      firstSeen: '2022-01-07 16:29:58 UTC',
      confidence: 100,
      tags: ['CobaltStrike', 'Cobalt Strike'],
      references: [],
    },
    {
      origin: {
        feed: 'threatfox',
        file: 'response.json',
        recordId: '291505',
        rawValue:
          'cf87c474b0154c536cdf0e771c8ca97d9c4ba1d5530f669b677cd3b9346fe37d',
      },
      feedType: 'sha256_hash',
      value: 'cf87c474b0154c536cdf0e771c8ca97d9c4ba1d5530f669b677cd3b9346fe37d',
      threatType: 'payload',
      family: 'Ave Maria',
      malwareId: 'win.ave_maria',
      aliases: ['AVE_MARIA', 'AveMariaRAT', 'Warzone RAT', 'avemaria'],
      firstSeen: '2022-01-06 09:15:29 UTC',
      confidence: 50,
      tags: [],
      references: [
        'https://twitter.com/RedBeardIOCs/status/1479018729715417094',
      ],
    },
  ])
})

test('api response no_result is empty', () => {
  const records = readThreatFoxApiResponse(
    {
      query_status: 'no_result',
      data: 'Your search did not yield any results',
    },
    SOURCE,
  )
  assert.deepEqual(records, [])
})

test('api response illegal search term', () => {
  assertApiError(
    { query_status: 'illegal_search_term' },
    'response.json: the ThreatFox API returned query_status "illegal_search_term". Fix the search term and query again',
  )
})

test('api response unknown auth key', () => {
  assertApiError(
    { query_status: 'unknown_auth_key', data: 'Auth-Key is invalid' },
    'response.json: the ThreatFox API returned query_status "unknown_auth_key" (Auth-Key is invalid). Check the Auth-Key of the request and query again',
  )
})

test('api response other status', () => {
  assertApiError(
    { query_status: 'rate_limited' },
    'response.json: the ThreatFox API returned query_status "rate_limited". Query the API again and save a response whose query_status is "ok"',
  )
})

test('api response submission shape', () => {
  assertApiError(
    readFixture('threatfox-api-submit-response.json'),
    'response.json: query_status is "ok" but data is an object, not a list of IOCs (a submission response has this shape). Save the response of an IOC query such as get_iocs or search_ioc',
  )
})

test('api response record without id', () => {
  const [record] = readThreatFoxApiResponse(
    {
      query_status: 'ok',
      data: [{ ioc: 'evil.example', ioc_type: 'domain', tags: 'a,b' }],
    },
    SOURCE,
  )
  assert.equal(record.origin.recordId, 'record 1')
  assert.deepEqual(record.tags, ['a', 'b'])
})
