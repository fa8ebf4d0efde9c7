import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'

import { loadLogs } from './load-logs.ts'

const temp = mkdtempSync(join(tmpdir(), 'huntpack-log-store-'))
after(() => rmSync(temp, { recursive: true, force: true }))

const zeekConn = fileURLToPath(
  new URL(
    '../../test/fixtures/logs/logs-zeek/trickbot-2018-11-09-conn.log',
    import.meta.url,
  ),
)

async function openDatabase(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:')
  return instance.connect()
}

async function rows(
  connection: DuckDBConnection,
  sql: string,
): Promise<Array<Record<string, unknown>>> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS()
}

test('Zeek escapes stored exactly', async () => {
  // The first data line of the fixture with a long uid and a short history
  // that hold a tab, a line break, a quote and a backslash (\x5c).
  const lines = readFileSync(zeekConn, 'utf8').split('\n')
  const header = lines.filter((l) => l.startsWith('#') && !l.startsWith('#c'))
  const fields = lines.find((l) => !l.startsWith('#'))!.split('\t')
  fields[1] = 'Ctab\\x09quote"back\\x5cslash\\x0anewline'
  fields[15] = 'S\\x09"\\x5c\\x0a'
  const file = join(temp, 'conn-escapes.log')
  writeFileSync(file, [...header, fields.join('\t')].join('\n') + '\n')

  const connection = await openDatabase()
  const report = await loadLogs(connection, [file])

  assert.equal(report.totalRows, 1)
  assert.deepEqual(
    await rows(
      connection,
      'SELECT NetworkSessionId, NetworkConnectionHistory FROM ASimNetworkSessionLogs',
    ),
    [
      {
        NetworkSessionId: 'Ctab\tquote"back\\slash\nnewline',
        NetworkConnectionHistory: 'S\t"\\\n',
      },
    ],
  )
})

test('typed export values stored exactly', async () => {
  const record = {
    TimeGenerated: '2024-01-02T03:04:05.123456Z',
    DeviceVendor: 'Vendor',
    DeviceProduct: 'Product',
    Message: 'tab\there "quoted" back\\slash\r\nline\u0000end caf\u00e9',
    SentBytes: '9007199254740993',
    ReceivedBytes: -5,
    FieldDeviceCustomNumber1: '-9223372036854775808',
    DestinationPort: 65535,
    SourcePort: 70000000000,
    DeviceCustomFloatingPoint1: '-0',
    DeviceCustomFloatingPoint2: 1e-7,
    // 25 digits are read as nanoseconds: far beyond DuckDB's TIMESTAMP range.
    StartTime: '9999999999999999999999999',
  }
  const file = join(temp, 'commonsecuritylog.json')
  writeFileSync(file, JSON.stringify(record) + '\n')

  const connection = await openDatabase()
  const report = await loadLogs(connection, [file])

  assert.deepEqual(
    report.invalidValues.examples.map((issue) => issue.reason),
    [
      'invalid value "70000000000" for column SourcePort; stored as NULL',
      'invalid value "9999999999999999999999999" for column StartTime; stored as NULL',
    ],
  )
  assert.deepEqual(
    await rows(
      connection,
      `SELECT strftime(TimeGenerated, '%Y-%m-%dT%H:%M:%S.%fZ') AS TimeGenerated,
        Message, SentBytes, ReceivedBytes, FieldDeviceCustomNumber1,
        DestinationPort, SourcePort, signbit(DeviceCustomFloatingPoint1) AS negative,
        DeviceCustomFloatingPoint1, DeviceCustomFloatingPoint2, StartTime
      FROM CommonSecurityLog`,
    ),
    [
      {
        TimeGenerated: '2024-01-02T03:04:05.123456Z',
        Message: record.Message,
        SentBytes: 9007199254740993n,
        ReceivedBytes: -5n,
        FieldDeviceCustomNumber1: -9223372036854775808n,
        DestinationPort: 65535,
        SourcePort: null,
        negative: true,
        DeviceCustomFloatingPoint1: -0,
        DeviceCustomFloatingPoint2: 1e-7,
        StartTime: null,
      },
    ],
  )
})
