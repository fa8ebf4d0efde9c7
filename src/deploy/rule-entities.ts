import type { Hunt } from '../hunts/hunt.ts'
import type { Observable } from '../hunts/observable.ts'
import type { TableProfile } from '../hunts/table-profile.ts'
import { kqlString } from '../targets/kql/kql-literal.ts'
import type { EntityMapping } from './entity-identifiers.ts'

/**
 * The stages, entity mappings and custom details that turn a hunt's result
 * rows into alert entities. Hunting queries end with a `project` of triage
 * and match columns, and a rule query adds the few columns its entity
 * mappings need.
 */
export interface RuleEntities {
  /** `extend` stages, without the leading `| `, appended to the hunt query. */
  stages: string[]
  entityMappings: EntityMapping[]
  /** Custom detail key to result column. */
  customDetails: Record<string, string>
}

/** Raised when a mapped column is neither projected by the hunt nor added by the rule. */
export class EntityColumnError extends Error {
  constructor(
    readonly hunt: string,
    readonly column: string,
  ) {
    super(
      `analytics rule for ${hunt}: entity column ${column} is not in the query result; ` +
        'add it to the table profile triage columns or to RULE_HOSTS in src/deploy/rule-entities.ts',
    )
    this.name = 'EntityColumnError'
  }
}

// The monitored machine or user of each table: the side of a connection
// that is not the indicator. CEF DeviceName is the appliance that logged the
// event, so the host is SourceHostName. DnsEvents Computer is the DNS server
// that logged the query, written as a fully qualified name.
const RULE_HOSTS: Readonly<Record<string, EntityMapping>> = {
  CommonSecurityLog: host('HostName', 'SourceHostName'),
  DeviceNetworkEvents: host('HostName', 'DeviceName'),
  DeviceFileEvents: host('HostName', 'DeviceName'),
  DeviceProcessEvents: host('HostName', 'DeviceName'),
  DnsEvents: host('FullName', 'Computer'),
  _Im_NetworkSession: host('HostName', 'SrcHostname'),
  _Im_Dns: host('HostName', 'SrcHostname'),
  _Im_WebSession: host('HostName', 'SrcHostname'),
  UrlClickEvents: {
    entityType: 'Account',
    fieldMappings: [{ identifier: 'FullName', columnName: 'AccountUpn' }],
  },
}

// Address of the monitored side for hunts that are not IP hunts: the
// client of a DNS query or a click, the local end of a connection.
const LOCAL_IP_COLUMNS: Readonly<Record<string, string>> = {
  CommonSecurityLog: 'SourceIP',
  DeviceNetworkEvents: 'LocalIP',
  DnsEvents: 'ClientIP',
  _Im_NetworkSession: 'SrcIpAddr',
  _Im_Dns: 'SrcIpAddr',
  _Im_WebSession: 'SrcIpAddr',
  UrlClickEvents: 'IPAddress',
}

const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  md5: 'MD5',
  sha1: 'SHA1',
  sha256: 'SHA256',
}

function host(
  identifier: 'HostName' | 'FullName',
  columnName: string,
): EntityMapping {
  return { entityType: 'Host', fieldMappings: [{ identifier, columnName }] }
}

function ipEntity(columnName: string): EntityMapping {
  return {
    entityType: 'IP',
    fieldMappings: [{ identifier: 'Address', columnName }],
  }
}

/**
 * Returns the stages, entity mappings and custom details of an analytics
 * rule built from `hunt`:
 * - the indicator as an IP, DNS, URL or FileHash entity,
 * - the monitored host (or, for UrlClickEvents, the account),
 * - the monitored side's IP address,
 * - custom details MalwareFamily, MatchedIndicator, MatchedColumn, and
 *   MatchStrength for ip:port hunts.
 *
 * The family name reaches the query only through `kqlString`.
 *
 * @throws EntityColumnError when a mapped column is not in the result.
 */
export function ruleEntities(hunt: Hunt, profile: TableProfile): RuleEntities {
  const stages = [`extend MalwareFamily = ${kqlString(hunt.family)}`]
  const added = new Set(['MalwareFamily'])
  const mappings: EntityMapping[] = []

  const indicator = indicatorEntity(hunt.observable, profile)
  stages.push(...indicator.stages)
  indicator.added.forEach((column) => added.add(column))
  mappings.push(indicator.mapping)

  const hostMapping = RULE_HOSTS[profile.name]
  if (hostMapping) mappings.push(hostMapping)

  const local = localIp(hunt.observable, profile)
  if (local) {
    stages.push(...local.stages)
    local.added.forEach((column) => added.add(column))
    mappings.push(ipEntity(local.column))
  }

  const customDetails: Record<string, string> = {
    MalwareFamily: 'MalwareFamily',
    MatchedIndicator: 'MatchedIndicator',
    MatchedColumn: 'MatchedColumn',
  }
  if (hunt.observable === 'ip-port')
    customDetails.MatchStrength = 'MatchStrength'

  const available = new Set([...hunt.columnsProjected, ...added])
  const used = [
    ...mappings.flatMap((mapping) =>
      mapping.fieldMappings.map((field) => field.columnName),
    ),
    ...Object.values(customDetails),
  ]
  for (const column of used) {
    if (!available.has(column))
      throw new EntityColumnError(hunt.fileName, column)
  }
  return { stages, entityMappings: mappings, customDetails }
}

interface EntityPart {
  stages: string[]
  added: string[]
  mapping: EntityMapping
}

function indicatorEntity(
  observable: Observable,
  profile: TableProfile,
): EntityPart {
  switch (observable) {
    case 'ip-port':
    case 'ip':
      // MatchedIndicator contains address:port for ip:port matches, so the
      // address comes from the IP column that matched.
      return {
        stages: [`extend IocIpAddress = ${sideColumn(profile, 'matched')}`],
        added: ['IocIpAddress'],
        mapping: ipEntity('IocIpAddress'),
      }
    case 'domain':
      return {
        stages: [],
        added: [],
        mapping: {
          entityType: 'DNS',
          fieldMappings: [
            { identifier: 'DomainName', columnName: 'MatchedIndicator' },
          ],
        },
      }
    case 'url':
      return {
        stages: [],
        added: [],
        mapping: {
          entityType: 'URL',
          fieldMappings: [
            { identifier: 'Url', columnName: 'MatchedIndicator' },
          ],
        },
      }
    case 'md5':
    case 'sha1':
    case 'sha256':
      return {
        stages: [
          `extend HashAlgorithm = ${kqlString(HASH_ALGORITHMS[observable]!)}`,
        ],
        added: ['HashAlgorithm'],
        mapping: {
          entityType: 'FileHash',
          fieldMappings: [
            { identifier: 'Algorithm', columnName: 'HashAlgorithm' },
            { identifier: 'Value', columnName: 'MatchedIndicator' },
          ],
        },
      }
  }
}

function localIp(
  observable: Observable,
  profile: TableProfile,
): { stages: string[]; added: string[]; column: string } | undefined {
  if (observable === 'ip' || observable === 'ip-port') {
    if (profile.endpoints.length === 2) {
      return {
        stages: [`extend LocalIpAddress = ${sideColumn(profile, 'other')}`],
        added: ['LocalIpAddress'],
        column: 'LocalIpAddress',
      }
    }
    const column = LOCAL_IP_COLUMNS[profile.name]
    return column ? { stages: [], added: [], column } : undefined
  }
  const column = LOCAL_IP_COLUMNS[profile.name]
  return column ? { stages: [], added: [], column } : undefined
}

// The IP column that matched, or the other side's, chosen by the
// MatchedColumn the hunt reports (always one of the endpoint IP columns).
function sideColumn(profile: TableProfile, side: 'matched' | 'other'): string {
  const [first, second] = profile.endpoints
  if (!second) return first!.ipColumn
  const [when, otherwise] =
    side === 'matched'
      ? [first!.ipColumn, second.ipColumn]
      : [second.ipColumn, first!.ipColumn]
  return `iff(MatchedColumn == ${kqlString(first!.ipColumn)}, ${when}, ${otherwise})`
}
