// Timestamps must not depend on the process time zone.
process.env.TZ = 'America/New_York'

import assert from 'node:assert/strict'
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'

import { viewColumns } from './duckdb-log-store.ts'
import { loadLogs, type LoadReport } from './load-logs.ts'
import { UnknownLogFormatError } from './log-errors.ts'
import { logTableCatalog } from './log-table-catalog.ts'

const fixture = (path: string) =>
  fileURLToPath(new URL(`../../test/fixtures/logs/${path}`, import.meta.url))

const FIXTURES = {
  checkpointCsv: fixture(
    'logs-cef/azure-sentinel-commonsecuritylog-checkpoint-excerpt.csv',
  ),
  fortigateJson: fixture(
    'logs-cef/azure-sentinel-commonsecuritylog-fortigate.json',
  ),
  fortigateTraffic: fixture('logs-cef/cribl-fortigate-traffic-native-kv.log'),
  fortigateUtm: fixture('logs-cef/cribl-fortigate-utm-native-kv.log'),
  panThreat: fixture('logs-cef/cribl-pan-threat-native-csv.log'),
  panTraffic: fixture('logs-cef/cribl-pan-traffic-native-csv.log'),
  defenderCsv: fixture('logs-mde/mde-advanced-hunting-export-mixed-tables.csv'),
  eveAlertify: fixture('logs-suricata/fever-alertify-input-eve.json'),
  eveJsonparse: fixture('logs-suricata/fever-jsonparse-eve.json'),
  eveZeus: fixture('logs-suricata/zeus-lab-2024-eve.json'),
  sysmon: fixture('logs-sysmon/otrf-sysmon-eid3-network-connections.jsonl'),
  zeekConn: fixture('logs-zeek/trickbot-2018-11-09-conn.log'),
  zeekDns: fixture('logs-zeek/trickbot-2018-11-09-dns.log'),
  zeekHttp: fixture('logs-zeek/trickbot-2018-11-09-http.log'),
  zeekSsl: fixture('logs-zeek/trickbot-2018-11-09-ssl.log'),
}

const temp = mkdtempSync(join(tmpdir(), 'huntpack-load-logs-'))
// The CEF syslog header has no year; a fixed modification time makes it 2024.
const cefCopy = join(temp, 'cribl-cef-syslog-samples.log')
copyFileSync(fixture('logs-cef/cribl-cef-syslog-samples.log'), cefCopy)
utimesSync(
  cefCopy,
  new Date('2024-10-01T00:00:00Z'),
  new Date('2024-10-01T00:00:00Z'),
)

const ALL_FILES = [...Object.values(FIXTURES), cefCopy]

async function openDatabase(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:')
  return instance.connect()
}

async function rows(
  connection: DuckDBConnection,
  sql: string,
): Promise<Array<Record<string, unknown>>> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Array<
    Record<string, unknown>
  >
}

/** Reads every column of matching rows, datetimes as ISO text in UTC, NULLs left out. */
async function row(
  connection: DuckDBConnection,
  table: string,
  where: string,
): Promise<Record<string, unknown>> {
  const columns = (logTableCatalog().get(table) ?? []).map((c) =>
    c.kqlType === 'datetime'
      ? `strftime("${c.name}", '%Y-%m-%dT%H:%M:%S.%fZ') AS "${c.name}"`
      : `"${c.name}"`,
  )
  const found = await rows(
    connection,
    `SELECT ${columns.join(', ')}, _SourceLine FROM "${table}" WHERE ${where}`,
  )
  assert.equal(found.length, 1, `one ${table} row where ${where}`)
  return Object.fromEntries(
    Object.entries(found[0]!).filter(([, v]) => v !== null),
  )
}

after(() => rmSync(temp, { recursive: true, force: true }))

describe('loadLogs on every fixture', () => {
  let connection: DuckDBConnection
  let report: LoadReport
  const fileReport = (path: string) =>
    report.files.find((f) => f.file === path)!

  before(async () => {
    connection = await openDatabase()
    report = await loadLogs(connection, ALL_FILES)
  })

  test('detected formats', () => {
    const formats = Object.fromEntries(
      report.files.map((f) => [f.file, [f.format, f.zeekPath ?? '']]),
    )
    assert.deepEqual(formats, {
      [FIXTURES.checkpointCsv]: ['commonsecuritylog-csv', ''],
      [FIXTURES.fortigateJson]: ['commonsecuritylog-json', ''],
      [FIXTURES.fortigateTraffic]: ['fortigate-kv', ''],
      [FIXTURES.fortigateUtm]: ['fortigate-kv', ''],
      [FIXTURES.panThreat]: ['pan-os-csv', ''],
      [FIXTURES.panTraffic]: ['pan-os-csv', ''],
      [FIXTURES.defenderCsv]: ['defender-csv', ''],
      [FIXTURES.eveAlertify]: ['suricata-eve', ''],
      [FIXTURES.eveJsonparse]: ['suricata-eve', ''],
      [FIXTURES.eveZeus]: ['suricata-eve', ''],
      [FIXTURES.sysmon]: ['sysmon-json', ''],
      [FIXTURES.zeekConn]: ['zeek-tsv', 'conn'],
      [FIXTURES.zeekDns]: ['zeek-tsv', 'dns'],
      [FIXTURES.zeekHttp]: ['zeek-tsv', 'http'],
      [FIXTURES.zeekSsl]: ['zeek-tsv', 'ssl'],
      [cefCopy]: ['cef', ''],
    })
  })

  test('rows per file and table', () => {
    const counts = Object.fromEntries(report.files.map((f) => [f.file, f.rows]))
    assert.deepEqual(counts, {
      [FIXTURES.checkpointCsv]: { CommonSecurityLog: 5 },
      [FIXTURES.fortigateJson]: { CommonSecurityLog: 2 },
      [FIXTURES.fortigateTraffic]: { CommonSecurityLog: 19 },
      [FIXTURES.fortigateUtm]: { CommonSecurityLog: 5 },
      [FIXTURES.panThreat]: { CommonSecurityLog: 1 },
      [FIXTURES.panTraffic]: { CommonSecurityLog: 4 },
      [FIXTURES.defenderCsv]: {
        DeviceNetworkEvents: 32,
        DeviceFileEvents: 8,
        DeviceProcessEvents: 2,
        UrlClickEvents: 6,
      },
      [FIXTURES.eveAlertify]: {
        ASimWebSessionLogs: 1,
        DnsEvents: 1,
        ASimDnsActivityLogs: 1,
        ASimNetworkSessionLogs: 1,
      },
      [FIXTURES.eveJsonparse]: {
        DnsEvents: 1,
        ASimDnsActivityLogs: 1,
        ASimWebSessionLogs: 2,
      },
      [FIXTURES.eveZeus]: {
        DnsEvents: 2432,
        ASimDnsActivityLogs: 2432,
        ASimNetworkSessionLogs: 4338,
      },
      [FIXTURES.sysmon]: {
        ASimNetworkSessionLogs: 189,
        DeviceNetworkEvents: 189,
      },
      [FIXTURES.zeekConn]: { ASimNetworkSessionLogs: 13001 },
      [FIXTURES.zeekDns]: { DnsEvents: 1534, ASimDnsActivityLogs: 1534 },
      [FIXTURES.zeekHttp]: { ASimWebSessionLogs: 1149 },
      [FIXTURES.zeekSsl]: { ASimNetworkSessionLogs: 6032 },
      [cefCopy]: { CommonSecurityLog: 12 },
    })
  })

  test('rows per table in the database', async () => {
    const counts: Record<string, number> = {}
    for (const table of logTableCatalog().keys()) {
      const [result] = await rows(
        connection,
        `SELECT count(*) AS n FROM "${table}"`,
      )
      counts[table] = Number(result!['n'])
    }
    assert.deepEqual(counts, report.tables)
    assert.equal(
      counts['ASimNetworkSessionLogs'],
      1 + 4338 + 189 + 13001 + 6032,
    )
    assert.equal(counts['SigninLogs'], 0)
  })

  test('nothing unparsed, skipped records counted', () => {
    assert.equal(report.unparsed.count, 0)
    assert.equal(report.invalidValues.count, 0)
    assert.deepEqual(fileReport(FIXTURES.eveZeus).skipped, {
      'Suricata event_type dhcp has no table mapping': 40,
      'Suricata event_type stats has no table mapping': 4,
    })
    const defenderSkipped = Object.values(
      fileReport(FIXTURES.defenderCsv).skipped,
    ).reduce((a, b) => a + b, 0)
    assert.equal(defenderSkipped, 129 - 32 - 8 - 2 - 6)
    assert.equal(
      fileReport(FIXTURES.defenderCsv).skipped[
        'ActionType FirewallOutboundConnectionBlocked belongs to DeviceEvents, which huntpack does not load'
      ],
      2,
    )
  })

  test('CEF row with escaped = in a value', async () => {
    assert.deepEqual(
      await row(
        connection,
        'CommonSecurityLog',
        `_SourceFile = '${cefCopy}' AND _SourceLine = 5`,
      ),
      {
        TimeGenerated: '2024-09-18T14:58:29.000000Z',
        DeviceVendor: 'Citrix',
        DeviceProduct: 'NetScaler',
        DeviceVersion: 'NS10.0',
        DeviceEventClassID: 'APPFW',
        Activity: 'APPFW_STARTURL',
        LogSeverity: '6',
        AdditionalExtensions: 'method=GET',
        DeviceAction: 'not blocked',
        Message: 'Disallow Illegal URL.',
        RequestURL: 'http://vpx247.example.net/FFC/login_post.html?abc=def',
        SourceIP: '10.217.253.78',
        SourcePort: 54711,
        DeviceCustomNumber1: 465,
        DeviceCustomNumber2: 535,
        DeviceCustomString1: 'profile1',
        DeviceCustomString2: 'PPE0',
        DeviceCustomString3: 'IliG4Dxp1SjOhKVRDVBXmqvAaIcA000',
        DeviceCustomString4: 'ALERT',
        DeviceCustomString5: '2012',
        Computer: 'logstream',
        Type: 'CommonSecurityLog',
        _SourceLine: '5',
      },
    )
  })

  test('CEF escapes in header and extension', async () => {
    const found = await rows(
      connection,
      `SELECT _SourceLine AS line, Activity, DeviceAction, DestinationIP, Message FROM CommonSecurityLog WHERE _SourceFile = '${cefCopy}' AND _SourceLine BETWEEN 7 AND 10 ORDER BY _SourceLine`,
    )
    assert.deepEqual(found, [
      {
        line: '7',
        Activity: 'detected a | in message',
        DeviceAction: 'blocked a |',
        DestinationIP: '1.1.1.1',
        Message: null,
      },
      {
        line: '8',
        Activity: 'detected a \\ in packet',
        DeviceAction: 'blocked a \\',
        DestinationIP: '1.1.1.1',
        Message: null,
      },
      {
        line: '9',
        Activity: 'detected a = in message',
        DeviceAction: 'blocked a =',
        DestinationIP: '1.1.1.1',
        Message: null,
      },
      {
        line: '10',
        Activity: 'Detected a threat. No action needed.',
        DeviceAction: null,
        DestinationIP: null,
        Message: 'Detected a threat.\n No action needed.',
      },
    ])
  })

  test('CEF rt sets TimeGenerated', async () => {
    const [found] = await rows(
      connection,
      `SELECT strftime(TimeGenerated, '%Y-%m-%dT%H:%M:%S.%fZ') AS t, ReceiptTime, DestinationUserName, SourceHostName FROM CommonSecurityLog WHERE _SourceFile = '${cefCopy}' AND _SourceLine = 12`,
    )
    assert.deepEqual(found, {
      t: '2018-05-09T05:42:46.655000Z',
      ReceiptTime: '1525844566655',
      DestinationUserName: 'cloudadmin@persistent.com01',
      SourceHostName: '103.6.32.100',
    })
  })

  test('CommonSecurityLog CSV export row', async () => {
    const found = await row(
      connection,
      'CommonSecurityLog',
      `_SourceFile = '${FIXTURES.checkpointCsv}' AND _SourceLine = 5`,
    )
    assert.equal(found['TimeGenerated'], '2023-08-17T06:51:59.000000Z')
    assert.equal(found['DestinationIP'], '100.200.30.50')
    assert.equal(found['DestinationPort'], 443)
    assert.equal(found['SourcePort'], 57516)
    assert.equal(found['RequestURL'], 'https://www.youtube.com')
    assert.equal(found['DeviceCustomString1Label'], 'fwPolicy')
    assert.equal(
      found['AdditionalExtensions'],
      'bytesIn=66;bytesOut=691;start=1691647904000',
    )
  })

  test('Zeek conn row in UTC', async () => {
    assert.deepEqual(
      await row(
        connection,
        'ASimNetworkSessionLogs',
        `_SourceFile = '${FIXTURES.zeekConn}' AND _SourceLine = 9`,
      ),
      {
        TimeGenerated: '2018-11-02T00:05:37.618695Z',
        EventStartTime: '2018-11-02T00:05:37.618695Z',
        EventEndTime: '2018-11-02T00:05:37.632256Z',
        EventCount: 1,
        EventSchemaVersion: '0.2.6',
        EventProduct: 'Zeek',
        EventVendor: 'Zeek',
        EventType: 'NetworkSession',
        EventOriginalType: 'conn',
        EventResult: 'Success',
        EventResultDetails: 'RSTR',
        SrcIpAddr: '172.16.9.233',
        SrcPortNumber: 49159,
        DstIpAddr: '172.16.9.5',
        DstPortNumber: 88,
        NetworkProtocol: 'TCP',
        NetworkApplicationProtocol: 'KRB_TCP',
        NetworkDirection: 'Local',
        NetworkConnectionHistory: 'ShADdFar',
        NetworkSessionId: 'CYtJYz4gNk3t5ZEt2',
        SrcBytes: '244',
        DstBytes: '292',
        NetworkBytes: '536',
        SrcPackets: '4',
        DstPackets: '4',
        NetworkPackets: '8',
        Type: 'ASimNetworkSessionLogs',
        _SourceLine: '9',
      },
    )
  })

  test('Zeek ssl SNI as destination host', async () => {
    const found = await row(
      connection,
      'ASimNetworkSessionLogs',
      `_SourceFile = '${FIXTURES.zeekSsl}' AND _SourceLine = 9`,
    )
    assert.equal(found['DstHostname'], 'imap.aol.com')
    assert.equal(found['DstFQDN'], 'imap.aol.com')
    assert.equal(found['DstDomain'], 'aol.com')
    assert.equal(found['NetworkApplicationProtocol'], 'TLS')
    assert.equal(found['DstPortNumber'], 993)
  })

  test('Zeek http URL', async () => {
    const found = await row(
      connection,
      'ASimWebSessionLogs',
      `_SourceFile = '${FIXTURES.zeekHttp}' AND _SourceLine = 10`,
    )
    assert.equal(found['Url'], 'http://bespokeutilitysolutions.co.uk/sun.sets')
    assert.equal(found['DstIpAddr'], '185.119.175.82')
    assert.equal(found['EventResult'], 'Failure')
    assert.equal(found['EventResultDetails'], '403')
  })

  test('Zeek dns in both DNS tables', async () => {
    const dns = await row(
      connection,
      'DnsEvents',
      `_SourceFile = '${FIXTURES.zeekDns}' AND _SourceLine = 9`,
    )
    assert.deepEqual(dns, {
      ClientIP: '172.16.9.233',
      Name: '_ldap._tcp.dc._msdcs.bansheetree.net',
      QueryType: 'SRV',
      ResultCode: 0,
      SubType: 'LookupQuery',
      TimeGenerated: '2018-11-02T00:05:37.434664Z',
      Type: 'DnsEvents',
      _SourceLine: '9',
    })
    const asim = await row(
      connection,
      'ASimDnsActivityLogs',
      `_SourceFile = '${FIXTURES.zeekDns}' AND _SourceLine = 9`,
    )
    assert.equal(asim['DnsQuery'], '_ldap._tcp.dc._msdcs.bansheetree.net')
    assert.equal(asim['DnsResponseName'], 'bansheetree-dc.bansheetree.net')
    assert.equal(asim['EventResultDetails'], 'NOERROR')
    assert.equal(asim['EventType'], 'Query')
    assert.equal(asim['TransactionIdHex'], '9382')
  })

  test('Suricata flow row', async () => {
    assert.deepEqual(
      await row(
        connection,
        'ASimNetworkSessionLogs',
        `_SourceFile = '${FIXTURES.eveZeus}' AND _SourceLine = 14`,
      ),
      {
        TimeGenerated: '2024-12-19T00:35:27.039938Z',
        EventStartTime: '2024-12-19T00:35:54.312357Z',
        EventEndTime: '2024-12-19T00:36:25.397248Z',
        EventCount: 1,
        EventSchemaVersion: '0.2.6',
        EventProduct: 'Suricata',
        EventVendor: 'OISF',
        EventType: 'Flow',
        EventOriginalType: 'flow',
        EventResultDetails: 'timeout',
        SrcIpAddr: 'fe80::ed83:3917:1c6a:b113',
        SrcPortNumber: 546,
        DstIpAddr: 'ff02::1:2',
        DstPortNumber: 547,
        NetworkProtocol: 'UDP',
        NetworkSessionId: '778615965085998',
        SrcBytes: '942',
        DstBytes: '0',
        NetworkBytes: '942',
        SrcPackets: '6',
        DstPackets: '0',
        NetworkPackets: '6',
        Type: 'ASimNetworkSessionLogs',
        _SourceLine: '14',
      },
    )
  })

  test('Suricata tls SNI and expanded IPv6', async () => {
    const found = await row(
      connection,
      'ASimNetworkSessionLogs',
      `_SourceFile = '${FIXTURES.eveAlertify}'`,
    )
    assert.equal(found['SrcIpAddr'], '2a03:b0c0:2:d0::bd3:4001')
    assert.equal(found['DstIpAddr'], '2606:2800:220:1:248:1893:25c8:1946')
    assert.equal(found['DstFQDN'], 'example.com')
    assert.equal(found['NetworkProtocolVersion'], 'TLS 1.2')
  })

  test('Suricata dns answer addresses', async () => {
    const found = await row(
      connection,
      'DnsEvents',
      `_SourceFile = '${FIXTURES.eveJsonparse}'`,
    )
    assert.equal(found['ClientIP'], '10.0.0.11')
    assert.equal(found['IPAddresses'], '10.0.0.12')
    assert.equal(found['Name'], 'test.test.local')
  })

  test('Suricata fileinfo hashes', async () => {
    const found = await row(
      connection,
      'ASimWebSessionLogs',
      `_SourceFile = '${FIXTURES.eveJsonparse}' AND _SourceLine = 2`,
    )
    assert.equal(found['FileMD5'], '8d81d793b28b098e8623d47bae23cf44')
    assert.equal(found['SrcIpAddr'], '10.0.0.11')
    assert.equal(found['DstIpAddr'], '10.0.0.10')
    assert.equal(
      found['Url'],
      'http://api.icndb.com/jokes/random?firstName=Chuck&lastName=Norris&limitTo=[nerdy]',
    )
  })

  test('Sysmon outbound connection row', async () => {
    assert.deepEqual(
      await row(
        connection,
        'DeviceNetworkEvents',
        `_SourceFile = '${FIXTURES.sysmon}' AND _SourceLine = 1`,
      ),
      {
        TimeGenerated: '2020-08-06T07:56:20.207000Z',
        Timestamp: '2020-08-06T07:56:20.207000Z',
        ActionType: 'ConnectionSuccess',
        DeviceName: 'WORKSTATION5.theshire.local',
        InitiatingProcessAccountDomain: 'NT AUTHORITY',
        InitiatingProcessAccountName: 'SYSTEM',
        InitiatingProcessFileName: 'svchost.exe',
        InitiatingProcessFolderPath: 'C:\\Windows\\System32\\svchost.exe',
        InitiatingProcessId: '3132',
        LocalIP: '172.18.39.5',
        LocalIPType: 'Private',
        LocalPort: 55270,
        Protocol: 'Tcp',
        RemoteIP: '52.114.158.91',
        RemoteIPType: 'Public',
        RemotePort: 443,
        Type: 'DeviceNetworkEvents',
        _SourceLine: '1',
      },
    )
  })

  test('Sysmon inbound UDP local end', async () => {
    const found = await row(
      connection,
      'DeviceNetworkEvents',
      `_SourceFile = '${FIXTURES.sysmon}' AND _SourceLine = 5`,
    )
    assert.equal(found['ActionType'], 'InboundConnectionAccepted')
    assert.equal(found['InitiatingProcessFileName'], 'dns.exe')
    assert.equal(found['LocalIP'], '172.18.38.5')
    assert.equal(found['LocalPort'], 53)
    assert.equal(found['RemoteIP'], '172.18.39.5')
  })

  test('Sysmon session with IPv6 loopback', async () => {
    const found = await row(
      connection,
      'ASimNetworkSessionLogs',
      `_SourceFile = '${FIXTURES.sysmon}' AND _SourceLine = 30`,
    )
    assert.equal(found['SrcIpAddr'], '::1')
    assert.equal(found['DstPortNumber'], 389)
    assert.equal(found['EventType'], 'EndpointNetworkSession')
    assert.equal(found['NetworkDirection'], 'Outbound')
    assert.equal(
      found['SrcAppName'],
      'C:\\Windows\\ADWS\\Microsoft.ActiveDirectory.WebServices.exe',
    )
    assert.equal(found['DvcHostname'], 'MORDORDC')
    assert.equal(found['DvcDomain'], 'theshire.local')
  })

  test('Defender CSV first DeviceNetworkEvents row', async () => {
    const [first] = await rows(
      connection,
      `SELECT _SourceLine AS line FROM DeviceNetworkEvents WHERE _SourceFile = '${FIXTURES.defenderCsv}' ORDER BY _SourceLine LIMIT 1`,
    )
    assert.equal(first!['line'], '70')
    assert.deepEqual(
      await row(
        connection,
        'DeviceNetworkEvents',
        `_SourceFile = '${FIXTURES.defenderCsv}' AND _SourceLine = 70`,
      ),
      {
        TimeGenerated: '2023-12-21T20:00:16.146949Z',
        Timestamp: '2023-12-21T20:00:16.146949Z',
        ActionType: 'ConnectionFound',
        DeviceId: 'jhdfaiouiuv4584fgasd64h5s4ghs54afd45gadf6',
        DeviceName: 'test-hostname',
        InitiatingProcessFileName: 'UDClientService.exe',
        InitiatingProcessFolderPath:
          'C:\\Windows\\System32\\drivers\\Lenovo\\udc\\Service\\UDClientService.exe',
        InitiatingProcessId: '0',
        InitiatingProcessParentId: '0',
        InitiatingProcessTokenElevation: 'None',
        LocalIP: '::ffff:192.168.1.162',
        LocalPort: 63263,
        Protocol: 'Tcp',
        RemoteIP: '::ffff:172.64.149.247',
        RemotePort: 443,
        ReportId: '2119396412',
        Type: 'DeviceNetworkEvents',
        _SourceLine: '70',
      },
    )
  })

  test('Defender AdditionalFields as JSON', async () => {
    const [found] = await rows(
      connection,
      `SELECT json_extract_string(AdditionalFields, '$.WasExecutingWhileDetected') AS v, typeof(AdditionalFields) AS t FROM DeviceFileEvents WHERE AdditionalFields IS NOT NULL LIMIT 1`,
    )
    assert.equal(found?.['t'], 'JSON')
  })

  test('FortiGate and PAN-OS rows', async () => {
    const forti = await row(
      connection,
      'CommonSecurityLog',
      `_SourceFile = '${FIXTURES.fortigateUtm}' AND _SourceLine = 1`,
    )
    assert.equal(forti['SourceIP'], '21.259.351.45')
    assert.equal(forti['DestinationHostName'], 'myacme.test.com')
    assert.equal(forti['TimeGenerated'], '2021-01-06T19:17:02.000000Z')
    assert.equal(forti['DeviceVendor'], 'Fortinet')
    const pan = await row(
      connection,
      'CommonSecurityLog',
      `_SourceFile = '${FIXTURES.panThreat}'`,
    )
    assert.equal(pan['RequestURL'], 'cribl.io/download')
    assert.equal(pan['DestinationIP'], '206.169.145.222')
    assert.equal(pan['DestinationPort'], 80)
    assert.equal(pan['TimeGenerated'], '2021-07-20T23:59:02.000000Z')
  })

  test('every catalog table exists with source columns', async () => {
    for (const [table, columns] of logTableCatalog()) {
      const described = await rows(connection, `DESCRIBE "${table}"`)
      assert.deepEqual(
        described.map((d) => d['column_name']),
        [
          ...viewColumns(columns).map((c) => c.name),
          '_SourceFile',
          '_SourceLine',
        ],
        table,
      )
    }
  })

  test('column types', async () => {
    const described = await rows(connection, 'DESCRIBE DeviceNetworkEvents')
    const types = Object.fromEntries(
      described.map((d) => [d['column_name'], d['column_type']]),
    )
    assert.equal(types['Timestamp'], 'TIMESTAMP')
    assert.equal(types['RemotePort'], 'INTEGER')
    assert.equal(types['InitiatingProcessId'], 'BIGINT')
    assert.equal(types['AdditionalFields'], 'JSON')
    assert.equal(types['_SourceFile'], 'VARCHAR')
    assert.equal(types['_SourceLine'], 'BIGINT')
  })
})

describe('loadLogs on damaged input', () => {
  test('corrupted Zeek line is reported', async () => {
    const lines = readFileSync(FIXTURES.zeekConn, 'utf8').split('\n')
    lines[99] = 'garbage\tline'
    const copy = join(temp, 'conn-corrupted.log')
    writeFileSync(copy, lines.join('\n'))
    const report = await loadLogs(await openDatabase(), [copy])
    assert.deepEqual(report.unparsed, {
      count: 1,
      examples: [
        {
          file: copy,
          line: 100,
          reason: 'expected 22 tab-separated Zeek fields, found 2',
        },
      ],
      omitted: 0,
    })
    assert.equal(report.tables['ASimNetworkSessionLogs'], 13000)
  })

  test('corrupted eve line is reported', async () => {
    const lines = readFileSync(FIXTURES.eveZeus, 'utf8').split('\n')
    lines[2999] = lines[2999]!.slice(0, 40)
    const copy = join(temp, 'eve-corrupted.json')
    writeFileSync(copy, lines.join('\n'))
    const connection = await openDatabase()
    const report = await loadLogs(connection, [copy])
    assert.equal(report.unparsed.count, 1)
    assert.equal(report.unparsed.examples[0]?.line, 3000)
    assert.match(report.unparsed.examples[0]!.reason, /^invalid JSON: /)
    const total = Object.values(report.files[0]!.rows).reduce(
      (a, b) => a + b,
      0,
    )
    assert.equal(total, 2432 * 2 + 4338 - 1)
  })

  test('issue examples are capped', async () => {
    const copy = join(temp, 'cef-bad.log')
    writeFileSync(
      copy,
      'CEF:0|a|b|1|2|n|3|src=1.1.1.1\n' + 'not cef\n'.repeat(5),
    )
    const report = await loadLogs(await openDatabase(), [copy], {
      maxIssueExamples: 2,
    })
    assert.equal(report.unparsed.count, 5)
    assert.equal(report.unparsed.examples.length, 2)
    assert.equal(report.unparsed.omitted, 3)
    assert.deepEqual(report.unparsed.examples[1], {
      file: copy,
      line: 3,
      reason: 'no "CEF:<version>|" header in the line',
    })
  })

  test('empty file loads nothing', async () => {
    const empty = join(temp, 'empty.log')
    writeFileSync(empty, '\n\n')
    const connection = await openDatabase()
    const report = await loadLogs(connection, [empty])
    assert.equal(report.files[0]?.format, 'empty')
    assert.equal(report.totalRows, 0)
    const [found] = await rows(
      connection,
      'SELECT count(*) AS n FROM CommonSecurityLog',
    )
    assert.equal(found?.['n'], '0')
  })

  test('unknown format names the file', async () => {
    const unknown = join(temp, 'notes.txt')
    writeFileSync(unknown, 'hello world\n')
    await assert.rejects(
      loadLogs(await openDatabase(), [FIXTURES.zeekConn, unknown]),
      (error: unknown) => {
        assert.ok(error instanceof UnknownLogFormatError)
        assert.equal(error.file, unknown)
        assert.match(error.message, /notes\.txt: unknown log format/)
        assert.match(error.message, /Zeek TSV logs conn, dns, http, ssl/)
        return true
      },
    )
  })

  test('second load adds to the tables', async () => {
    const connection = await openDatabase()
    await loadLogs(connection, [FIXTURES.panTraffic])
    const report = await loadLogs(connection, [FIXTURES.panThreat])
    assert.equal(report.tables['CommonSecurityLog'], 1)
    const found = await rows(
      connection,
      'SELECT _SourceFile AS f, count(*) AS n FROM CommonSecurityLog GROUP BY ALL ORDER BY n',
    )
    assert.deepEqual(found, [
      { f: FIXTURES.panThreat, n: '1' },
      { f: FIXTURES.panTraffic, n: '4' },
    ])
  })
})
