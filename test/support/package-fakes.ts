import type { ExclusionRule } from '../../src/hunts/exclusions.ts'
import type { Hunt } from '../../src/hunts/hunt.ts'
import { observableOf } from '../../src/hunts/observable.ts'
import type { Indicator } from '../../src/indicators/indicator.ts'
import { kqlDynamicStrings } from '../../src/targets/kql/kql-literal.ts'

/**
 * Returns a DCRat `ip:port` indicator as ingest makes it from a ThreatFox
 * JSON export record with no last-seen time.
 */
export function dcratIndicator(
  address: string,
  port: number,
  recordId: string,
): Indicator {
  return {
    key: `ip|${address}|${port}|DCRat`,
    type: 'ip',
    value: address,
    ipVersion: 4,
    port,
    family: 'DCRat',
    malwareId: 'win.dcrat',
    aliases: ['DarkCrystal RAT'],
    threatType: 'botnet_cc',
    firstSeen: '2026-05-23T00:00:00Z',
    confidence: 100,
    tags: ['DCRat'],
    references: [],
    defanged: false,
    origins: [
      {
        feed: 'threatfox',
        file: 'feed.json',
        recordId,
        rawValue: `${address}:${port}`,
      },
    ],
  }
}

/** The two DCRat indicators of the reference example package. */
export const REFERENCE_DCRAT: readonly Indicator[] = [
  dcratIndicator('94.26.90.55', 8888, 'reference-dcrat-1'),
  dcratIndicator('93.177.103.55', 9999, 'reference-dcrat-2'),
]

/** An exclusion rule in the shape of the hunts module's rules. */
export const FAKE_BACKUP_RULE: ExclusionRule = {
  id: 'backup-agent',
  scenario: 'Scheduled backup',
  rationale: 'Backup agents open many connections.',
  conditions: [
    {
      role: 'initiating-process-file-name',
      operator: 'equals-any',
      values: ['backup.exe'],
    },
    {
      role: 'initiating-process-folder-path',
      operator: 'starts-with-any',
      values: ['C:\\Program Files\\Backup\\'],
    },
  ],
  appliesTo: ['ip-port', 'ip', 'domain', 'url'],
}

/**
 * Returns a hunt on `DeviceNetworkEvents` for `indicators`, with a short
 * query that lists their values. The fake backup rule is applied, and
 * `overrides` replaces any field.
 */
export function fakeHunt(
  indicators: readonly Indicator[],
  overrides: Partial<Hunt> = {},
): Hunt {
  const observable = observableOf(indicators[0]!)
  const values = indicators.map((indicator) => indicator.value)
  return {
    family: indicators[0]!.family,
    table: 'DeviceNetworkEvents',
    observable,
    fileName: `DeviceNetworkEvents-${observable}.kql`,
    title: `${indicators[0]!.family} network connections`,
    description: 'Connections from devices to the IP:port pairs.',
    indicators: [...indicators],
    appliedExclusions: [FAKE_BACKUP_RULE],
    skippedExclusions: [],
    connectors: ['Microsoft Defender XDR'],
    columnsProjected: ['Timestamp', 'DeviceName', 'RemoteIP', 'RemotePort'],
    matchColumns: ['RemoteIP'],
    timeColumn: 'Timestamp',
    notes: [],
    text: [
      `let iocs = ${kqlDynamicStrings(values)};`,
      'DeviceNetworkEvents',
      '| where Timestamp > ago(14d)',
      '| where RemoteIP in (iocs)',
      '| project Timestamp, DeviceName, RemoteIP, RemotePort',
    ].join('\n'),
    ...overrides,
  }
}
