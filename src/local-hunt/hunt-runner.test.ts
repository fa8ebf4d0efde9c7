import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import { parse } from 'csv-parse/sync'

import type { Indicator } from '../indicators/indicator.ts'
import { loadLogs } from '../logs/load-logs.ts'
import { buildFamilyHunts } from '../targets/kql/hunt-renderer.ts'
import { runHunt, type HuntRun } from './hunt-runner.ts'

function csvLine(cells: readonly string[]): string {
  return cells
    .map((cell) =>
      /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell,
    )
    .join(',')
}

const FIXTURES = new URL('../../test/fixtures/logs/', import.meta.url)
const NOW = new Date('2026-05-01T00:00:00Z')

function indicator(
  fields: Partial<Indicator> & Pick<Indicator, 'key' | 'type' | 'value'>,
): Indicator {
  return {
    family: 'PlantRat',
    aliases: [],
    threatType: 'botnet_cc',
    firstSeen: '2026-04-01T00:00:00Z',
    confidence: 100,
    tags: [],
    references: [],
    defanged: false,
    origins: [],
    ...fields,
  }
}

const INDICATORS: Indicator[] = [
  indicator({
    key: 'ip|203.0.113.9|8080',
    type: 'ip',
    value: '203.0.113.9',
    ipVersion: 4,
    port: 8080,
  }),
  indicator({
    key: 'ip|198.51.100.7',
    type: 'ip',
    value: '198.51.100.7',
    ipVersion: 4,
  }),
  indicator({
    key: 'domain|evil.example',
    type: 'domain',
    value: 'evil.example',
  }),
  indicator({
    key: 'url|http://download.evil.example/ncsi.txt',
    type: 'url',
    value: 'http://download.evil.example/ncsi.txt',
    url: {
      scheme: 'http',
      host: 'download.evil.example',
      pathAndQuery: '/ncsi.txt',
    },
  }),
  indicator({
    key: 'md5|0123456789abcdef0123456789abcdef',
    type: 'md5',
    value: '0123456789abcdef0123456789abcdef',
  }),
]

async function fixtureLines(relative: string): Promise<string[]> {
  return (await readFile(new URL(relative, FIXTURES), 'utf8')).split('\n')
}

/** Replaces `from` once in `line` and fails when it is not there. */
function plant(line: string, from: string, to: string): string {
  assert.ok(line.includes(from), `fixture line lacks ${from}`)
  return line.replace(from, to)
}

// Each planted log is a few real rows with documentation addresses and
// example domains written in; `expected` lists `table file:line indicator
// portMatched` of every row that must be found, and nothing else may be.
async function plantLogs(
  dir: string,
): Promise<{ files: string[]; expected: string[] }> {
  const expected: string[] = []
  const files: string[] = []

  const conn = await fixtureLines('logs-zeek/trickbot-2018-11-09-conn.log')
  const connFile = path.join(dir, 'conn.log')
  const connLines = [
    ...conn.slice(0, 8),
    plant(conn[8]!, '172.16.9.5\t88', '203.0.113.9\t8080'),
    plant(conn[9]!, '172.16.9.233', '203.0.113.9'),
    plant(conn[10]!, '172.16.9.5', '198.51.100.7'),
    conn[11]!,
  ]
  await writeFile(connFile, `${connLines.join('\n')}\n`)
  files.push(connFile)
  expected.push(
    `ASimNetworkSessionLogs ${connFile}:9 203.0.113.9:8080 true`,
    `ASimNetworkSessionLogs ${connFile}:10 203.0.113.9 false`,
    `ASimNetworkSessionLogs ${connFile}:11 198.51.100.7 null`,
  )

  const sysmon = await fixtureLines(
    'logs-sysmon/otrf-sysmon-eid3-network-connections.jsonl',
  )
  const sysmonFile = path.join(dir, 'sysmon.jsonl')
  const first = sysmon[0]!.match(/"DestinationIp":"([^"]+)"/)![1]!
  await writeFile(
    sysmonFile,
    [
      plant(
        plant(
          sysmon[0]!,
          `"DestinationIp":"${first}"`,
          '"DestinationIp":"203.0.113.9"',
        ),
        '"DestinationPort":"443"',
        '"DestinationPort":"8080"',
      ),
      sysmon[1]!,
    ].join('\n') + '\n',
  )
  files.push(sysmonFile)
  expected.push(
    `ASimNetworkSessionLogs ${sysmonFile}:1 203.0.113.9:8080 true`,
    `DeviceNetworkEvents ${sysmonFile}:1 203.0.113.9:8080 true`,
  )

  const eve = await fixtureLines('logs-suricata/zeus-lab-2024-eve.json')
  const flows = eve.filter(
    (line) =>
      line.includes('"event_type":"flow"') &&
      /"dest_ip":"\d+\.\d+\.\d+\.\d+"/.test(line),
  )
  const eveFile = path.join(dir, 'eve.json')
  const destination = flows[0]!.match(/"dest_ip":"([^"]+)"/)![1]!
  await writeFile(
    eveFile,
    [
      plant(
        flows[0]!,
        `"dest_ip":"${destination}"`,
        '"dest_ip":"198.51.100.7"',
      ),
      flows[1]!,
    ].join('\n') + '\n',
  )
  files.push(eveFile)
  expected.push(`ASimNetworkSessionLogs ${eveFile}:1 198.51.100.7 null`)

  const cef = await fixtureLines('logs-cef/cribl-cef-syslog-samples.log')
  const cefFile = path.join(dir, 'cef.log')
  const netScalerUrl = 'request=http://vpx247.example.net/FFC/'
  await writeFile(
    cefFile,
    [
      plant(
        plant(cef[10]!, 'dst=172.25.212.204', 'dst=203.0.113.9'),
        'dpt=80',
        'dpt=8080',
      ),
      plant(cef[11]!, 'dhost=AAA0056', 'dhost=Sub.EVIL.example.'),
      plant(cef[11]!, 'dhost=AAA0056', 'dhost=notevil.example'),
      // The domain hunt reads the host of RequestURL: with user info and a
      // port it matches, inside the path or as a prefix of another name not.
      plant(
        cef[1]!,
        netScalerUrl,
        'request=https://user:pw@Files.EVIL.example:8443/FFC/',
      ),
      plant(
        cef[2]!,
        netScalerUrl,
        'request=http://evil.example.attacker.test/',
      ),
      plant(
        cef[3]!,
        netScalerUrl,
        'request=http://vpx247.example.net/evil.example/',
      ),
    ].join('\n') + '\n',
  )
  files.push(cefFile)
  expected.push(
    `CommonSecurityLog ${cefFile}:1 203.0.113.9:8080 true`,
    `CommonSecurityLog ${cefFile}:2 evil.example null`,
    `CommonSecurityLog ${cefFile}:4 evil.example null`,
  )

  // Zeek http: the host names the domain and the URL is an indicator; the
  // next line has the domain in its path only.
  const http = await fixtureLines('logs-zeek/trickbot-2018-11-09-http.log')
  const httpFile = path.join(dir, 'http.log')
  await writeFile(
    httpFile,
    [
      ...http.slice(0, 8),
      plant(http[8]!, '\twww.msftncsi.com\t', '\tDownload.EVIL.example\t'),
      plant(http[9]!, '\t/sun.sets\t', '\t/evil.example/sun.sets\t'),
      http[10]!,
    ].join('\n') + '\n',
  )
  files.push(httpFile)
  expected.push(
    `ASimWebSessionLogs ${httpFile}:9 evil.example null`,
    `ASimWebSessionLogs ${httpFile}:9 http://Download.EVIL.example/ncsi.txt null`,
  )

  // Zeek dns: a subdomain query is found in both DNS tables, a name that
  // only ends with the domain's letters is not.
  const dns = await fixtureLines('logs-zeek/trickbot-2018-11-09-dns.log')
  const dnsFile = path.join(dir, 'dns.log')
  const ldapQuery = '_ldap._tcp.dc._msdcs.bansheetree.net'
  await writeFile(
    dnsFile,
    [
      ...dns.slice(0, 8),
      plant(dns[8]!, ldapQuery, 'C2.Evil.Example'),
      plant(dns[9]!, ldapQuery, 'notevil.example'),
    ].join('\n') + '\n',
  )
  files.push(dnsFile)
  expected.push(
    `DnsEvents ${dnsFile}:9 evil.example null`,
    `ASimDnsActivityLogs ${dnsFile}:9 evil.example null`,
  )

  // Suricata tls: the server name (SNI) of the third event.
  const tls = await fixtureLines('logs-suricata/fever-alertify-input-eve.json')
  const tlsFile = path.join(dir, 'tls.json')
  await writeFile(
    tlsFile,
    [
      tls[0]!,
      tls[1]!,
      plant(tls[2]!, '"sni":"example.com"', '"sni":"Www.Evil.Example"'),
    ].join('\n') + '\n',
  )
  files.push(tlsFile)
  expected.push(`ASimNetworkSessionLogs ${tlsFile}:3 evil.example null`)

  // Suricata fileinfo: the MD5 of a file seen in a web session.
  const fileinfo = await fixtureLines('logs-suricata/fever-jsonparse-eve.json')
  const fileinfoFile = path.join(dir, 'fileinfo.json')
  await writeFile(
    fileinfoFile,
    [
      fileinfo[0]!,
      plant(
        fileinfo[1]!,
        '"md5":"8d81d793b28b098e8623d47bae23cf44"',
        '"md5":"0123456789abcdef0123456789abcdef"',
      ),
      fileinfo[2]!,
    ].join('\n') + '\n',
  )
  files.push(fileinfoFile)
  expected.push(
    `ASimWebSessionLogs ${fileinfoFile}:2 0123456789abcdef0123456789abcdef null`,
  )

  const mdeText = await readFile(
    new URL('logs-mde/mde-advanced-hunting-export-mixed-tables.csv', FIXTURES),
    'utf8',
  )
  const [header, ...records] = parse(mdeText, {
    relax_column_count: true,
  }) as string[][]
  const column = (name: string) => header!.indexOf(name)
  const find = (test: (r: string[]) => boolean) => [...records.find(test)!]
  const chrome = find((r) => r[column('RemoteUrl')] === 'https://sync.1rx.io')
  const mapped = find((r) => r[column('RemoteIP')] === '::ffff:172.64.149.247')
  const set = (row: string[], name: string, value: string) => {
    row[column(name)] = value
    return row
  }
  const mdeRows = [
    set(set([...chrome], 'RemoteIP', '203.0.113.9'), 'RemotePort', '8080'),
    set([...mapped], 'RemoteIP', '::ffff:203.0.113.9'),
    set([...chrome], 'RemoteUrl', 'Sub.EVIL.example.'),
    set([...chrome], 'RemoteUrl', 'notevil.example'),
    set(set([...chrome], 'RemoteIP', ''), 'RemoteUrl', ''),
    set(
      set(
        set(set([...chrome], 'RemoteIP', '203.0.113.9'), 'RemotePort', '8080'),
        'InitiatingProcessFileName',
        'VeeamAgent.exe',
      ),
      'InitiatingProcessFolderPath',
      'C:\\Program Files\\Veeam\\Endpoint Backup\\VeeamAgent.exe',
    ),
  ]
  const mdeFile = path.join(dir, 'mde.csv')
  await writeFile(mdeFile, [header!, ...mdeRows].map(csvLine).join('\n') + '\n')
  files.push(mdeFile)
  expected.push(
    `DeviceNetworkEvents ${mdeFile}:2 203.0.113.9:8080 true`,
    `DeviceNetworkEvents ${mdeFile}:3 ::ffff:203.0.113.9 false`,
    `DeviceNetworkEvents ${mdeFile}:4 evil.example null`,
  )
  return { files, expected }
}

describe('runHunt on planted logs', () => {
  let dir: string
  let instance: DuckDBInstance
  let connection: DuckDBConnection
  let expected: string[]
  let run: HuntRun

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'huntpack-hunt-'))
    const planted = await plantLogs(dir)
    expected = planted.expected
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
    await loadLogs(connection, planted.files)
    const hunts = buildFamilyHunts('PlantRat', INDICATORS, {
      lookback: '3650d',
    })
    run = await runHunt(
      connection,
      hunts.map((hunt) => ({
        family: 'PlantRat',
        file: `PlantRat/${hunt.fileName}`,
        text: hunt.text,
      })),
      { now: NOW },
    )
  })
  after(async () => {
    connection.closeSync()
    instance.closeSync()
    await rm(dir, { recursive: true, force: true })
  })

  test('every query runs', () => {
    assert.deepEqual(
      run.outcomes.filter((o) => o.status === 'failed'),
      [],
    )
  })

  test('finds exactly the planted rows', () => {
    const found = run.findings.map(
      (f) =>
        `${f.table} ${f.logFile}:${f.logLine} ${f.indicator} ${f.portMatched}`,
    )
    assert.deepEqual([...found].sort(), [...expected].sort())
  })

  test('reports hosts and process of a Defender row', () => {
    const finding = run.findings.find(
      (f) =>
        f.table === 'DeviceNetworkEvents' &&
        f.logLine === 2 &&
        f.logFile.endsWith('mde.csv'),
    )!
    assert.equal(finding.hosts.destination, 'https://sync.1rx.io (203.0.113.9)')
    assert.equal(
      finding.process,
      'c:\\program files\\google\\chrome\\application\\chrome.exe',
    )
    assert.equal(finding.time, '2023-12-21T19:59:50.239Z')
    assert.equal(finding.query, 'PlantRat/DeviceNetworkEvents-ip-port.kql')
  })
})
