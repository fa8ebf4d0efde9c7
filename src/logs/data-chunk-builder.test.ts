import assert from 'node:assert/strict'
import { test } from 'node:test'

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'

import {
  CHUNK_ROWS,
  DataChunkBuilder,
  type ChunkValue,
  type ColumnStorage,
} from './data-chunk-builder.ts'

const SQL_TYPES: Record<ColumnStorage, string> = {
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  interval: 'INTERVAL',
  varchar: 'VARCHAR',
}

/**
 * Appends `rows` through a DataChunkBuilder into a new table with one
 * column per storage plus a row number, and returns the connection.
 */
async function load(
  storage: readonly ColumnStorage[],
  rows: ReadonlyArray<ReadonlyArray<ChunkValue | null>>,
): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  const columns = storage.map((s, i) => `c${i} ${SQL_TYPES[s]}`)
  await connection.run(`CREATE TABLE t (${columns.join(', ')}, n INTEGER)`)
  const appender = await connection.createAppender('t')
  const builder = new DataChunkBuilder([...storage, 'integer'])
  rows.forEach((row, n) => {
    row.forEach((value, i) => builder.set(i, value))
    builder.set(row.length, n)
    if (builder.endRow()) appender.appendDataChunk(builder.build())
  })
  if (builder.rows > 0) appender.appendDataChunk(builder.build())
  appender.closeSync()
  return connection
}

async function column(
  connection: DuckDBConnection,
  expression: string,
): Promise<unknown[]> {
  const reader = await connection.runAndReadAll(
    `SELECT ${expression} AS v FROM t ORDER BY n`,
  )
  return reader.getRowObjectsJS().map((row) => row['v'])
}

// Values that a CSV, TSV or JSON staging format would have to escape, and
// the edges of the 12-byte inline string layout.
const STRINGS = [
  'tab\there',
  'line\nbreak',
  'carriage\r\nreturn',
  'say "quoted"',
  'back\\slash\\',
  'nul\u0000byte',
  '',
  ' ',
  'twelve bytes',
  'thirteen byte',
  'caf\u00e9',
  'caf\u00e9 au lait!',
  '\u{1F600}',
  '\\N',
  'NULL',
  "it's",
  'x'.repeat(5000),
]

test('strings round trip', async () => {
  const connection = await load(
    ['varchar'],
    STRINGS.map((s) => [s]),
  )
  assert.deepEqual(await column(connection, 'c0'), STRINGS)
})

test('short string after long equals literal', async () => {
  // Bytes that the same row of the previous chunk left in the buffer must
  // reach neither the value nor its comparisons.
  const rows: Array<[string | null]> = [['abcdefghijkl']]
  for (let i = 1; i < CHUNK_ROWS; i++) rows.push([null])
  rows.push(['abc'])
  const connection = await load(['varchar'], rows)
  const equal = await connection.runAndReadAll(
    "SELECT n FROM t WHERE c0 = 'abc' AND hash(c0) = hash('abc')",
  )
  assert.deepEqual(equal.getRowObjectsJS(), [{ n: CHUNK_ROWS }])
})

test('lone surrogate becomes U+FFFD', async () => {
  const connection = await load(['varchar'], [['a\uD800b'], ['\uDC00']])
  assert.deepEqual(await column(connection, 'c0'), ['a\uFFFDb', '\uFFFD'])
})

test('64-bit integers exact', async () => {
  const values: Array<number | bigint> = [
    0,
    -1,
    2 ** 32,
    -(2 ** 32) - 1,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    2n ** 63n - 1n,
    -(2n ** 63n),
    9007199254740993n,
  ]
  const connection = await load(
    ['bigint'],
    values.map((v) => [v]),
  )
  assert.deepEqual(
    await column(connection, 'c0'),
    values.map((v) => BigInt(v)),
  )
})

test('integers doubles booleans', async () => {
  const connection = await load(
    ['integer', 'double', 'boolean'],
    [
      [-2147483648, -0, true],
      [2147483647, 5e-324, false],
      [0, Number.NaN, null],
      [null, Number.NEGATIVE_INFINITY, true],
    ],
  )
  assert.deepEqual(await column(connection, 'c0'), [
    -2147483648,
    2147483647,
    0,
    null,
  ])
  assert.deepEqual(await column(connection, 'c1::VARCHAR'), [
    '-0.0',
    '5e-324',
    'nan',
    '-inf',
  ])
  assert.deepEqual(await column(connection, 'c2'), [true, false, null, true])
})

test('timestamps and intervals exact', async () => {
  const connection = await load(
    ['timestamp', 'interval'],
    [
      [1541117137618695, 1_500_000],
      [-1, -1],
      [253402300799999999n, 86_400_000_000],
      [0, 0],
    ],
  )
  assert.deepEqual(await column(connection, 'c0::VARCHAR'), [
    '2018-11-02 00:05:37.618695',
    '1969-12-31 23:59:59.999999',
    '9999-12-31 23:59:59.999999',
    '1970-01-01 00:00:00',
  ])
  assert.deepEqual(await column(connection, 'c1::VARCHAR'), [
    '00:00:01.5',
    '-00:00:00.000001',
    '24:00:00',
    '00:00:00',
  ])
  assert.deepEqual(await column(connection, 'epoch_us(c0)'), [
    1541117137618695n,
    -1n,
    253402300799999999n,
    0n,
  ])
})

test('chunks reuse no earlier values', async () => {
  // Row r of the second chunk is NULL or short where the first chunk's row
  // r was long or set, so anything left in the buffers shows.
  const rows: Array<[string | null, number | null]> = []
  for (let i = 0; i < CHUNK_ROWS; i++) rows.push([`long value ${i} xyz`, i])
  for (let i = 0; i < CHUNK_ROWS; i++)
    rows.push(i % 2 ? [null, null] : ['s', i])
  rows.push(['last', 7])
  const connection = await load(['varchar', 'integer'], rows)
  assert.deepEqual(
    await column(connection, 'c0'),
    rows.map((r) => r[0]),
  )
  assert.deepEqual(
    await column(connection, 'c1'),
    rows.map((r) => r[1]),
  )
})
