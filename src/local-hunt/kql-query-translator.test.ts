import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'

import {
  KqlSyntaxError,
  KqlTranslationError,
  UnsupportedKqlError,
} from './kql-translation-error.ts'
import { translateKql } from './kql-query-translator.ts'
import { createEmptyTable } from './table-catalog.ts'

const NOW = new Date('2026-05-01T00:00:00Z')

// DeviceNetworkEvents rows: [DeviceName, RemoteIP, RemotePort, RemoteUrl,
// InitiatingProcessFolderPath, Timestamp]
const ROWS: Array<
  [string, string | null, number | null, string | null, string | null, string]
> = [
  [
    'ws1',
    '203.0.113.9',
    8080,
    'Sub.EVIL.example.',
    'C:\\Program Files\\Veeam\\VeeamAgent.exe',
    '2026-04-30 10:00:00',
  ],
  [
    'ws2',
    '198.51.100.7',
    443,
    'notevil.example',
    'C:\\Windows\\System32\\svchost.exe',
    '2026-04-20 10:00:00',
  ],
  ['ws3', '', null, null, null, '2026-03-01 10:00:00'],
  [
    'WS4',
    '::ffff:203.0.113.9',
    80,
    'evil.example',
    "c:\\tools\\it's.exe",
    '2026-04-29 23:00:00',
  ],
]

describe('translateKql', () => {
  let instance: DuckDBInstance
  let connection: DuckDBConnection
  before(async () => {
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
    await createEmptyTable(connection, 'DeviceNetworkEvents')
    for (const [i, row] of ROWS.entries()) {
      const values = row.map((v) =>
        v === null
          ? 'NULL'
          : typeof v === 'number'
            ? String(v)
            : `'${v.replaceAll("'", "''")}'`,
      )
      await connection.run(
        `INSERT INTO DeviceNetworkEvents (DeviceName, RemoteIP, RemotePort, RemoteUrl, InitiatingProcessFolderPath, Timestamp, _SourceFile, _SourceLine) VALUES (${values.join(', ')}, 'f.csv', ${i + 2})`,
      )
    }
  })
  after(() => {
    connection.closeSync()
    instance.closeSync()
  })

  async function devices(where: string, prefix = ''): Promise<string[]> {
    const query = `${prefix}DeviceNetworkEvents | where ${where} | project DeviceName | order by DeviceName asc`
    const reader = await connection.runAndReadAll(
      translateKql(query, { now: NOW }).sql,
    )
    return reader.getRowsJS().map((row) => String(row[0]))
  }

  const CASES: Array<[string, string, string[], string?]> = [
    ['==', 'RemoteIP == "203.0.113.9"', ['ws1']],
    [
      '!= keeps empty values',
      'RemoteIP != "203.0.113.9"',
      ['WS4', 'ws2', 'ws3'],
    ],
    ['=~', 'DeviceName =~ "ws4"', ['WS4']],
    ['!~', 'DeviceName !~ "WS1"', ['WS4', 'ws2', 'ws3']],
    [
      'in list variable',
      'RemoteIP in (ips)',
      ['WS4', 'ws1'],
      'let ips = dynamic(["203.0.113.9", "::ffff:203.0.113.9"]);\n',
    ],
    ['in literal list', 'RemoteIP in ("198.51.100.7")', ['ws2']],
    ['!in', 'RemoteIP !in ("198.51.100.7", "")', ['WS4', 'ws1']],
    ['in~', 'DeviceName in~ ("WS1", "ws4")', ['WS4', 'ws1']],
    ['!in~', 'DeviceName !in~ ("WS1", "ws4")', ['ws2', 'ws3']],
    ['in numbers', 'RemotePort in (80, 443)', ['WS4', 'ws2']],
    ['has', 'RemoteUrl has "evil.example"', ['WS4', 'ws1']],
    ['!has', 'RemoteUrl !has "evil.example"', ['ws2', 'ws3']],
    [
      'has_any',
      'RemoteUrl has_any (doms)',
      ['WS4', 'ws1'],
      'let doms = dynamic(["EVIL.example", "other.example"]);\n',
    ],
    ['contains', 'RemoteUrl contains "EVIL"', ['WS4', 'ws1', 'ws2']],
    [
      'startswith',
      'InitiatingProcessFolderPath startswith @"c:\\program files\\veeam"',
      ['ws1'],
    ],
    ['endswith', 'RemoteUrl endswith "example."', ['ws1']],
    [
      'not startswith keeps nulls',
      'not(InitiatingProcessFolderPath startswith @"C:\\Program Files\\Veeam\\")',
      ['WS4', 'ws2', 'ws3'],
    ],
    ['between numbers', 'RemotePort between (80 .. 443)', ['WS4', 'ws2']],
    [
      'between times',
      'Timestamp between (datetime(2026-04-29) .. 2d)',
      ['WS4', 'ws1'],
    ],
    ['isnotempty', 'isnotempty(RemoteIP)', ['WS4', 'ws1', 'ws2']],
    ['isempty', 'isempty(RemoteIP)', ['ws3']],
    [
      'ago',
      'Timestamp > ago(lookback)',
      ['WS4', 'ws1', 'ws2'],
      'let lookback = 14d;\n',
    ],
    ['now', 'Timestamp < now()', ['WS4', 'ws1', 'ws2', 'ws3']],
    [
      'strcat and tostring',
      'strcat(RemoteIP, ":", tostring(RemotePort)) == "203.0.113.9:8080"',
      ['ws1'],
    ],
    ['toint', 'toint("443") == RemotePort', ['ws2']],
    ['tolower', 'tolower(DeviceName) == "ws4"', ['WS4']],
    ['trim_end', 'trim_end(@"\\.", RemoteUrl) == "Sub.EVIL.example"', ['ws1']],
    [
      'iff with a null condition takes else',
      'iff(RemotePort > 100, "high", "low") == "low"',
      ['WS4', 'ws3'],
    ],
    [
      'case',
      'case(RemotePort == 80, "web", RemotePort == 443, "tls", "other") == "tls"',
      ['ws2'],
    ],
    [
      'coalesce skips empty strings',
      'coalesce(RemoteIP, DeviceName) == "ws3"',
      ['ws3'],
    ],
    [
      'and or',
      '(RemotePort == 80 or RemotePort == 443) and DeviceName != "ws2"',
      ['WS4'],
    ],
  ]
  for (const [name, where, expected, prefix] of CASES) {
    test(name, async () => {
      assert.deepEqual(await devices(where, prefix), expected)
    })
  }

  test('extend, project-rename, take', async () => {
    const sql = translateKql(
      'DeviceNetworkEvents | extend Port = RemotePort | project-rename Host = DeviceName | project Host, Port | order by Host asc | take 2',
    ).sql
    const reader = await connection.runAndReadAll(sql)
    assert.deepEqual(reader.getRowObjectsJS(), [
      { Host: 'WS4', Port: 80 },
      { Host: 'ws1', Port: 8080 },
    ])
  })

  test('summarize by', async () => {
    const sql = translateKql(
      'DeviceNetworkEvents | extend Band = iff(RemotePort >= 443, "high", "low") | summarize n = count(), dcount(DeviceName), max(RemotePort) by Band | order by Band asc',
    ).sql
    const reader = await connection.runAndReadAll(sql)
    assert.deepEqual(reader.getRowObjectsJS(), [
      { Band: 'high', n: 2n, dcount_DeviceName: 2n, max_RemotePort: 8080 },
      { Band: 'low', n: 2n, dcount_DeviceName: 2n, max_RemotePort: 80 },
    ])
  })

  test('summarize arg_max', async () => {
    const sql = translateKql(
      'DeviceNetworkEvents | where isnotempty(RemoteIP) | summarize arg_max(Timestamp, DeviceName) | project DeviceName',
    ).sql
    const reader = await connection.runAndReadAll(sql)
    assert.deepEqual(reader.getRowsJS(), [['ws1']])
  })

  test('union and distinct', async () => {
    const sql = translateKql(
      'union (DeviceNetworkEvents | where RemotePort == 80), (DeviceNetworkEvents | where RemotePort == 443) | distinct DeviceName | order by DeviceName asc',
    ).sql
    const reader = await connection.runAndReadAll(sql)
    assert.deepEqual(reader.getRowsJS(), [['WS4'], ['ws2']])
  })

  test('datatable let in in()', async () => {
    assert.deepEqual(
      await devices(
        'RemoteIP in (iocs)',
        'let iocs = datatable(ip:string, port:int) ["198.51.100.7", 443];\n',
      ),
      ['ws2'],
    )
  })

  test('exact SQL of a where clause', () => {
    const translated = translateKql(
      'DeviceNetworkEvents | where RemoteIP in ("a\'b", "c") | project RemoteIP',
    )
    assert.equal(
      translated.sql,
      `SELECT "RemoteIP" FROM (SELECT "RemoteIP" AS "RemoteIP", "_hp_Table", "_hp__SourceFile", "_hp__SourceLine", "_hp_Timestamp", "_hp_TimeGenerated", "_hp_DeviceName", "_hp_DeviceId", "_hp_LocalIP", "_hp_RemoteUrl", "_hp_RemoteIP", "_hp_InitiatingProcessFolderPath", "_hp_InitiatingProcessFileName", "_hp_Probe1" FROM (SELECT *, coalesce("RemoteIP", '') AS "_hp_Probe1" FROM (SELECT * FROM (SELECT *, 'DeviceNetworkEvents' AS "_hp_Table", "_SourceFile" AS "_hp__SourceFile", "_SourceLine" AS "_hp__SourceLine", "Timestamp" AS "_hp_Timestamp", "TimeGenerated" AS "_hp_TimeGenerated", "DeviceName" AS "_hp_DeviceName", "DeviceId" AS "_hp_DeviceId", "LocalIP" AS "_hp_LocalIP", "RemoteUrl" AS "_hp_RemoteUrl", "RemoteIP" AS "_hp_RemoteIP", "InitiatingProcessFolderPath" AS "_hp_InitiatingProcessFolderPath", "InitiatingProcessFileName" AS "_hp_InitiatingProcessFileName" FROM "DeviceNetworkEvents") WHERE (coalesce("RemoteIP", '') IN ('a''b', 'c')))))`,
    )
  })

  test('ago uses the given now', () => {
    const translated = translateKql(
      'DeviceNetworkEvents | where Timestamp > ago(1d)',
      { now: NOW },
    )
    assert.match(
      translated.sql,
      /WHERE \("Timestamp" > \(CAST\('2026-05-01 00:00:00\.000' AS TIMESTAMP\) - to_microseconds\(CAST\(86400000000 AS BIGINT\)\)\)\)/,
    )
  })

  test('_Im_NetworkSession filters by its parameters', async () => {
    await createEmptyTable(connection, 'ASimNetworkSessionLogs')
    await connection.run(
      `INSERT INTO ASimNetworkSessionLogs (TimeGenerated, SrcIpAddr, DstIpAddr, DstPortNumber, _SourceFile, _SourceLine) VALUES
       ('2026-04-30 00:00:00', '192.0.2.1', '203.0.113.9', 8080, 'c.log', 9),
       ('2026-04-30 00:00:00', '203.0.113.9', '192.0.2.1', 51000, 'c.log', 10),
       ('2026-04-30 00:00:00', '192.0.2.1', '203.0.113.90', 8080, 'c.log', 11),
       ('2026-01-01 00:00:00', '192.0.2.1', '203.0.113.9', 8080, 'c.log', 12)`,
    )
    const translated = translateKql(
      'let ips = dynamic(["203.0.113.9"]);\n_Im_NetworkSession(starttime=ago(14d), ipaddr_has_any_prefix=ips) | project _SourceLine, ASimMatchingIpAddr | order by _SourceLine asc',
      { now: NOW },
    )
    const reader = await connection.runAndReadAll(translated.sql)
    assert.deepEqual(reader.getRowsJS(), [
      [9n, 'DstIpAddr'],
      [10n, 'SrcIpAddr'],
    ])
  })
})

describe('translateKql errors', () => {
  const CASES: Array<[string, string, string]> = [
    [
      'join',
      'DeviceNetworkEvents | join (DeviceFileEvents) on DeviceId',
      '<query>:1:23: operator join is not supported by the local hunting engine; rewrite the query with the operators listed in the KQL subset',
    ],
    [
      'mv-expand',
      'DeviceNetworkEvents\n| mv-expand AdditionalFields',
      '<query>:2:3: operator mv-expand is not supported by the local hunting engine; rewrite the query with the operators listed in the KQL subset',
    ],
    [
      'parse_url',
      'DeviceNetworkEvents | extend h = parse_url(RemoteUrl)',
      '<query>:1:34: function parse_url() is not supported by the local hunting engine; rewrite the query with the operators listed in the KQL subset',
    ],
    [
      'bin',
      'DeviceNetworkEvents | summarize count() by bin(Timestamp, 1h)',
      '<query>:1:44: function bin() is not supported by the local hunting engine; rewrite the query with the operators listed in the KQL subset',
    ],
    [
      '!contains',
      'DeviceNetworkEvents | where RemoteUrl !contains "x"',
      '<query>:1:29: operator !contains is not supported by the local hunting engine; rewrite the query with the operators listed in the KQL subset',
    ],
    [
      'matches regex',
      'DeviceNetworkEvents | where RemoteUrl matches regex "x"',
      '<query>:1:29: operator matches regex is not supported by the local hunting engine; rewrite the query with the operators listed in the KQL subset',
    ],
    [
      'arithmetic',
      'DeviceNetworkEvents | where RemotePort + 1 > 2',
      '<query>:1:29: operator + is not supported by the local hunting engine; rewrite the query with the operators listed in the KQL subset',
    ],
    [
      'trim_end regex',
      'DeviceNetworkEvents | extend u = trim_end("/", RemoteUrl)',
      '<query>:1:43: trim_end() with this regular expression is not supported by the local hunting engine (only @"\\." is supported); rewrite the query with the operators listed in the KQL subset',
    ],
    [
      'union withsource',
      'union withsource=T DeviceNetworkEvents, DeviceFileEvents',
      '<query>:1:7: union parameter is not supported by the local hunting engine; rewrite the query with the operators listed in the KQL subset',
    ],
    [
      'let function',
      'let f = (x:string) { x };\nDeviceNetworkEvents',
      '<query>:1:1: let with a function body is not supported by the local hunting engine; rewrite the query with the operators listed in the KQL subset',
    ],
  ]
  for (const [name, query, message] of CASES) {
    test(name, () => {
      assert.throws(
        () => translateKql(query),
        (error: unknown) => {
          assert.ok(error instanceof UnsupportedKqlError)
          assert.equal(error.message, message)
          return true
        },
      )
    })
  }

  test('unknown column', () => {
    assert.throws(
      () =>
        translateKql('DeviceNetworkEvents | where Nope == 1', {
          queryName: 'q.kql',
        }),
      (error: unknown) =>
        error instanceof KqlTranslationError &&
        error.message ===
          'q.kql:1:29: column Nope does not exist here; check the column name against the table schema',
    )
  })

  test('unknown table', () => {
    assert.throws(
      () => translateKql('NoSuchTable | take 1'),
      (error: unknown) =>
        error instanceof KqlTranslationError &&
        error.message ===
          '<query>:1:1: table NoSuchTable is not in the Sentinel table catalog; the local engine hunts catalog tables only',
    )
  })

  test('syntax error', () => {
    assert.throws(
      () => translateKql('DeviceNetworkEvents | where ('),
      KqlSyntaxError,
    )
  })
})
