import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'

import { sqlIdentifier, SqlLiteralError, sqlString } from './sql-literal.ts'

describe('sqlString', () => {
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

  const values = [
    '',
    "it's",
    "''",
    'back\\slash',
    'trailing backslash\\',
    '\\',
    '"double"',
    'line\nbreak\r\ttab',
    'é€😀 中文',
    "'); DROP TABLE x; --",
    '$$dollar$$',
    "E'\\x41'",
  ]
  for (const value of values) {
    test(`round-trips ${JSON.stringify(value)}`, async () => {
      const reader = await connection.runAndReadAll(
        `SELECT ${sqlString(value)} AS v`,
      )
      assert.equal(reader.getRowsJS()[0]![0], value)
    })
  }

  test('rejects NUL', () => {
    assert.throws(() => sqlString('a\u0000b'), SqlLiteralError)
  })

  test('quotes an identifier with a quote', async () => {
    await connection.run(
      `CREATE TABLE ${sqlIdentifier('we"ird')} (${sqlIdentifier('Type')} INTEGER)`,
    )
    const reader = await connection.runAndReadAll(
      `SELECT ${sqlIdentifier('Type')} FROM ${sqlIdentifier('we"ird')}`,
    )
    assert.deepEqual(reader.columnNames(), ['Type'])
  })

  test('rejects an empty identifier', () => {
    assert.throws(() => sqlIdentifier(''), SqlLiteralError)
  })
})
