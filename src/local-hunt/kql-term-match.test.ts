import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'

import {
  hasAnyPattern,
  hasIpv4Prefix,
  hasTerm,
  ipv4PrefixPattern,
} from './kql-term-match.ts'
import { sqlString } from './sql-literal.ts'

// [haystack, needle, expected]
const HAS_CASES: Array<[string, string, boolean]> = [
  ['Sub.EVIL.example.', 'evil.example', true],
  ['evil.example', 'evil.example', true],
  ['notevil.example', 'evil.example', false],
  ['evil.example.org', 'evil.example', true],
  ['evil.examples', 'evil.example', false],
  ['https://evil.example/gate.php', 'evil.example', true],
  ['North America', 'america', true],
  ['xevil.example', 'evil.example', false],
  ['a_evil.example', 'evil.example', true],
  ['évil.example', 'vil.example', false],
  ['', 'evil.example', false],
  ['anything', '', false],
  ['notevil.example and evil.example', 'evil.example', true],
]

describe('hasTerm', () => {
  for (const [haystack, needle, expected] of HAS_CASES) {
    test(`${JSON.stringify(haystack)} has ${JSON.stringify(needle)}`, () => {
      assert.equal(hasTerm(haystack, needle), expected)
    })
  }
})

describe('hasAnyPattern in DuckDB', () => {
  let instance: DuckDBInstance
  let connection: DuckDBConnection
  before(async () => {
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
  })
  after(() => {
    connection.closeSync()
    instance.closeSync()
  })

  for (const [haystack, needle, expected] of HAS_CASES) {
    test(`agrees on ${JSON.stringify(haystack)} and ${JSON.stringify(needle)}`, async () => {
      const pattern = hasAnyPattern([needle])
      if (pattern === undefined) {
        assert.equal(expected, false)
        return
      }
      const reader = await connection.runAndReadAll(
        `SELECT regexp_matches(${sqlString(haystack)}, ${sqlString(pattern)})`,
      )
      assert.equal(reader.getRowsJS()[0]![0], expected)
    })
  }

  test('pattern of several needles', () => {
    assert.equal(
      hasAnyPattern(['a.b', '.c']),
      '(?i)(?:(?:^|[^\\p{L}\\p{N}])a\\.b(?:$|[^\\p{L}\\p{N}])|\\.c(?:$|[^\\p{L}\\p{N}]))',
    )
  })
})

describe('ipv4 prefixes', () => {
  const cases: Array<[string, string, boolean]> = [
    ['203.0.113.9', '203.0.113.9', true],
    ['203.0.113.90', '203.0.113.9', false],
    ['::ffff:203.0.113.9', '203.0.113.9', true],
    ['203.0.113.9', '203.0.', true],
    ['198.51.100.1', '203.0.', false],
    ['2001:db8::1', '2001:db8::1', false],
  ]
  for (const [text, prefix, expected] of cases) {
    test(`${text} has prefix ${prefix}`, () => {
      assert.equal(hasIpv4Prefix(text, prefix), expected)
    })
  }

  test('IPv6 entries are left out of the pattern', () => {
    assert.equal(ipv4PrefixPattern(['2001:db8::1']), undefined)
  })
})
