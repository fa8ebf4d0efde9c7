import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  FAKE_BACKUP_RULE,
  REFERENCE_DCRAT,
  fakeHunt,
} from '../../test/support/package-fakes.ts'
import { groupIndicatorsByFamily } from './family-indicators.ts'
import type { FamilyPackage } from './family-package.ts'
import { renderFamilyReadme } from './family-readme.ts'
import { queryFileText } from './family-package.ts'

const README_OPTIONS = { indicatorsFile: 'indicators.csv', lookback: '14d' }

function referenceFamily(): FamilyPackage {
  const [family] = groupIndicatorsByFamily(REFERENCE_DCRAT)
  const hunts = [
    fakeHunt(family!.indicators),
    fakeHunt(family!.indicators, {
      table: 'CommonSecurityLog',
      fileName: 'CommonSecurityLog-ip-port.kql',
      title: 'DCRat firewall connections',
      connectors: ['Common Event Format (CEF) via AMA'],
      appliedExclusions: [],
      skippedExclusions: [
        {
          rule: FAKE_BACKUP_RULE,
          reason:
            'CommonSecurityLog has no column for the initiating process folder',
        },
      ],
      notes: ['Firewalls log NAT addresses.'],
    }),
  ]
  return { ...family!, hunts }
}

const EXPECTED_DCRAT_README = [
  '# DCRat hunting package',
  '',
  'This package hunts for **DCRat**, also known as DarkCrystal RAT, with 2 indicators from ThreatFox: 2 IP:port pairs. Threat type: botnet\\_cc (2). First seen 2026-05-23 00:00:00 UTC. The feed reports no last-seen time. Highest confidence 100% (all indicators). The 2 hunting queries below search `DeviceNetworkEvents` and `CommonSecurityLog` over the last 14 days.',
  '',
  'Contents: [IOC summary](#ioc-summary) · [Indicators](#indicators) · [Hunting queries](#hunting-queries) · [Tables and data connectors](#tables-and-data-connectors) · [False positives and exclusions](#false-positives-and-exclusions)',
  '',
  '## IOC summary',
  '',
  '- Malware family: DCRat',
  '- Aliases: DarkCrystal RAT',
  '- Feed family id: win.dcrat',
  '- Total indicators: 2',
  '',
  '| Type | Indicators |',
  '|---|---:|',
  '| ip:port | 2 |',
  '',
  '## Indicators',
  '',
  'All 2 indicators of this family, by type and value. Values are defanged (`[.]`, `[:]`, `hxxp`) so that they cannot be clicked or resolved by accident. [`indicators.csv`](indicators.csv) has the same list with the original values, for tooling. Times are UTC.',
  '',
  '| Value | Type | Port | Threat type | First seen | Last seen | Confidence | Tags |',
  '|---|---|---:|---|---|---|---:|---|',
  '| `93[.]177[.]103[.]55:9999` | ip:port | 9999 | botnet\\_cc | 2026-05-23 00:00:00 | not reported | 100% | DCRat |',
  '| `94[.]26[.]90[.]55:8888` | ip:port | 8888 | botnet\\_cc | 2026-05-23 00:00:00 | not reported | 100% | DCRat |',
  '',
  '## Hunting queries',
  '',
  'Each query is also in this folder as its own `.kql` file with the same text. Run it in Microsoft Sentinel (Logs or Hunting) or, for `Device*` tables, in Defender XDR advanced hunting.',
  '',
  '### DCRat network connections',
  '',
  'Connections from devices to the IP:port pairs.',
  '',
  '- File: `DeviceNetworkEvents-ip-port.kql`',
  '- Table: `DeviceNetworkEvents`',
  '- Indicators: 2 (ip:port)',
  '- Columns returned: `Timestamp`, `DeviceName`, `RemoteIP`, `RemotePort`',
  '',
  '```kql',
  'let iocs = dynamic(["93.177.103.55", "94.26.90.55"]);',
  'DeviceNetworkEvents',
  '| where Timestamp > ago(14d)',
  '| where RemoteIP in (iocs)',
  '| project Timestamp, DeviceName, RemoteIP, RemotePort',
  '```',
  '',
  '### DCRat firewall connections',
  '',
  'Connections from devices to the IP:port pairs.',
  '',
  '- File: `CommonSecurityLog-ip-port.kql`',
  '- Table: `CommonSecurityLog`',
  '- Indicators: 2 (ip:port)',
  '- Columns returned: `Timestamp`, `DeviceName`, `RemoteIP`, `RemotePort`',
  '- Note: Firewalls log NAT addresses.',
  '',
  '```kql',
  'let iocs = dynamic(["93.177.103.55", "94.26.90.55"]);',
  'DeviceNetworkEvents',
  '| where Timestamp > ago(14d)',
  '| where RemoteIP in (iocs)',
  '| project Timestamp, DeviceName, RemoteIP, RemotePort',
  '```',
  '',
  '## Tables and data connectors',
  '',
  'A query finds nothing unless its table receives data. Connect the data connector listed for each table in Microsoft Sentinel.',
  '',
  '| Table | Data connector | Queries |',
  '|---|---|---|',
  '| `DeviceNetworkEvents` | Microsoft Defender XDR | `DeviceNetworkEvents-ip-port.kql` |',
  '| `CommonSecurityLog` | Common Event Format (CEF) via AMA | `CommonSecurityLog-ip-port.kql` |',
  '',
  '## False positives and exclusions',
  '',
  'Benign activity that can match these indicators, and how the queries leave it out. An exclusion that a table cannot express is listed with the reason, so that you can review those matches by hand.',
  '',
  '### Scheduled backup',
  '',
  'Backup agents open many connections.',
  '',
  '- Rule: `backup-agent`',
  '- Leaves out a row when all of these hold:',
  '  - initiating process file name is one of `backup.exe`',
  '  - initiating process folder starts with one of `C:\\Program Files\\Backup\\`',
  '- Applied in: `DeviceNetworkEvents-ip-port.kql`',
  '- Not applied in `CommonSecurityLog-ip-port.kql`: CommonSecurityLog has no column for the initiating process folder',
  '',
].join('\n')

test('README of reference DCRat family', () => {
  assert.equal(
    renderFamilyReadme(referenceFamily(), README_OPTIONS),
    EXPECTED_DCRAT_README,
  )
})

test('README query block equals file', () => {
  const family = referenceFamily()
  const readme = renderFamilyReadme(family, README_OPTIONS)
  for (const hunt of family.hunts) {
    assert.ok(
      readme.includes(`\`\`\`kql\n${queryFileText(hunt)}\`\`\`\n`),
      hunt.fileName,
    )
  }
})

/** Counts the cell separators of a table row: pipes not escaped by a backslash. */
function cellSeparators(row: string): number {
  return row.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 1
}

test('README table survives hostile values', () => {
  const hostile = REFERENCE_DCRAT.map((indicator) => ({
    ...indicator,
    family: 'Evil | <script>alert(1)</script>',
    threatType: 'botnet_cc | injected',
    tags: [
      'a|b',
      'line\nbreak',
      '`code`',
      '<img src=x>',
      'https://evil.example/',
    ],
  }))
  const [family] = groupIndicatorsByFamily(hostile)
  const readme = renderFamilyReadme({ ...family!, hunts: [] }, README_OPTIONS)
  const rows = readme.split('\n').filter((line) => line.startsWith('| `'))
  assert.equal(rows.length, 2)
  for (const row of rows) {
    // Eight columns have nine separators.
    assert.equal(cellSeparators(row), 9, row)
    // Only the README's own <br> may start an HTML tag.
    assert.doesNotMatch(row, /(^|[^\\])<(?!br>)/)
    assert.doesNotMatch(row, /https:\/\//)
  }
  assert.doesNotMatch(readme, /(^|[^\\])<script>/)
})

test('README summary of mixed family', () => {
  const [first, second] = REFERENCE_DCRAT
  const domain = {
    ...first!,
    key: 'domain|evil.example|DCRat',
    type: 'domain' as const,
    value: 'evil.example',
    ipVersion: undefined,
    port: undefined,
    threatType: 'payload_delivery',
    firstSeen: '2026-04-11T19:37:36Z',
    lastSeen: '2026-06-01T08:00:00Z',
    confidence: 50,
  }
  const [family] = groupIndicatorsByFamily([first!, second!, domain])
  const readme = renderFamilyReadme(
    { ...family!, hunts: [fakeHunt([domain])] },
    README_OPTIONS,
  )
  const summary = readme.split('\n')[2]
  assert.equal(
    summary,
    'This package hunts for **DCRat**, also known as DarkCrystal RAT, with 3 indicators from ThreatFox: ' +
      '2 IP:port pairs and 1 domain. Threat types: botnet\\_cc (2), payload\\_delivery (1). ' +
      'First seen from 2026-04-11 19:37:36 to 2026-05-23 00:00:00 UTC. ' +
      'Last seen up to 2026-06-01 08:00:00 UTC (reported for 1 of 3). ' +
      'Highest confidence 100%, lowest 50%. ' +
      'The 1 hunting query below searches `DeviceNetworkEvents` over the last 14 days.',
  )
})

test('README of family without hunts', () => {
  const [family] = groupIndicatorsByFamily(REFERENCE_DCRAT)
  const readme = renderFamilyReadme({ ...family!, hunts: [] }, README_OPTIONS)
  assert.match(readme, /so this package has no hunting query\.\n/)
  assert.match(
    readme,
    /## Tables and data connectors\n\nThis package queries no table\.\n/,
  )
  assert.match(
    readme,
    /No false-positive exclusion applies to these queries\.\n$/,
  )
})

test('README defangs every value', () => {
  const url = {
    ...REFERENCE_DCRAT[0]!,
    key: 'url|https://evil.example/x|DCRat',
    type: 'url' as const,
    value: 'https://evil.example/x',
    port: undefined,
    url: { scheme: 'https', host: 'evil.example', pathAndQuery: '/x' },
  }
  const [family] = groupIndicatorsByFamily([url])
  const readme = renderFamilyReadme({ ...family!, hunts: [] }, README_OPTIONS)
  assert.match(readme, /\| `hxxps:\/\/evil\[\.\]example\/x` \| url \|/)
  assert.doesNotMatch(readme, /evil\.example/)
})

test('README lists shared observables', () => {
  const shared = { ...REFERENCE_DCRAT[0]!, family: 'Unknown malware', key: 'x' }
  const families = groupIndicatorsByFamily([...REFERENCE_DCRAT, shared])
  const readme = renderFamilyReadme(
    { ...families[1]!, hunts: [] },
    README_OPTIONS,
  )
  assert.match(
    readme,
    /\n- Indicators also listed under other families: DCRat \(1 indicator\)\n/,
  )
})
