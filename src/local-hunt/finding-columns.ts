/**
 * Columns of a log table that describe a finding: the event time, the
 * device, the hosts on both sides and the acting process. Each role lists
 * candidate columns in order, and the first non-empty value is used.
 */
export interface FindingColumns {
  time: readonly string[]
  device: readonly string[]
  sourceHost: readonly string[]
  sourceIp: readonly string[]
  destinationHost: readonly string[]
  destinationIp: readonly string[]
  process: readonly string[]
}

// Defender XDR exports fill Timestamp; Sentinel copies of the same tables
// fill TimeGenerated.
const DEFENDER_TIME = ['Timestamp', 'TimeGenerated']

const BY_TABLE: Readonly<Record<string, FindingColumns>> = {
  CommonSecurityLog: {
    time: ['TimeGenerated'],
    device: ['DeviceName', 'Computer', 'DeviceAddress'],
    sourceHost: ['SourceHostName'],
    sourceIp: ['SourceIP'],
    destinationHost: ['DestinationHostName'],
    destinationIp: ['DestinationIP'],
    process: ['SourceProcessName', 'DestinationProcessName', 'ProcessName'],
  },
  ASimNetworkSessionLogs: {
    time: ['TimeGenerated', 'EventStartTime'],
    device: ['DvcHostname', 'Dvc', 'DvcIpAddr'],
    sourceHost: ['SrcHostname', 'SrcFQDN'],
    sourceIp: ['SrcIpAddr'],
    destinationHost: ['DstHostname', 'DstFQDN'],
    destinationIp: ['DstIpAddr'],
    process: [],
  },
  ASimDnsActivityLogs: {
    time: ['TimeGenerated'],
    device: ['DvcHostname', 'Dvc', 'DvcIpAddr'],
    sourceHost: ['SrcHostname'],
    sourceIp: ['SrcIpAddr'],
    destinationHost: ['DnsQuery'],
    destinationIp: ['DstIpAddr'],
    process: ['SrcProcessName'],
  },
  ASimWebSessionLogs: {
    time: ['TimeGenerated'],
    device: ['DvcHostname', 'Dvc', 'DvcIpAddr'],
    sourceHost: ['SrcHostname'],
    sourceIp: ['SrcIpAddr'],
    destinationHost: ['DstHostname', 'Url'],
    destinationIp: ['DstIpAddr'],
    process: [],
  },
  DnsEvents: {
    time: ['TimeGenerated'],
    device: ['Computer'],
    sourceHost: [],
    sourceIp: ['ClientIP'],
    destinationHost: ['Name'],
    destinationIp: [],
    process: [],
  },
  DeviceNetworkEvents: {
    time: DEFENDER_TIME,
    device: ['DeviceName', 'DeviceId'],
    sourceHost: [],
    sourceIp: ['LocalIP'],
    destinationHost: ['RemoteUrl'],
    destinationIp: ['RemoteIP'],
    process: ['InitiatingProcessFolderPath', 'InitiatingProcessFileName'],
  },
  DeviceFileEvents: {
    time: DEFENDER_TIME,
    device: ['DeviceName', 'DeviceId'],
    sourceHost: ['FileOriginUrl'],
    sourceIp: ['FileOriginIP', 'RequestSourceIP'],
    destinationHost: [],
    destinationIp: [],
    process: ['InitiatingProcessFolderPath', 'InitiatingProcessFileName'],
  },
  DeviceProcessEvents: {
    time: DEFENDER_TIME,
    device: ['DeviceName', 'DeviceId'],
    sourceHost: [],
    sourceIp: [],
    destinationHost: [],
    destinationIp: [],
    // The event's own process (FolderPath) carries the hashes hunted here.
    process: ['FolderPath', 'FileName'],
  },
  UrlClickEvents: {
    time: DEFENDER_TIME,
    device: [],
    sourceHost: ['AccountUpn'],
    sourceIp: ['IPAddress'],
    destinationHost: ['Url'],
    destinationIp: [],
    process: [],
  },
}

const FALLBACK: FindingColumns = {
  time: ['TimeGenerated', 'Timestamp'],
  device: ['DeviceName', 'Computer', 'DvcHostname', 'Dvc', 'HostName'],
  sourceHost: ['SrcHostname', 'SourceHostName'],
  sourceIp: ['SrcIpAddr', 'SourceIP', 'ClientIP', 'IPAddress', 'cIP'],
  destinationHost: ['DstHostname', 'DestinationHostName', 'Fqdn'],
  destinationIp: ['DstIpAddr', 'DestinationIP', 'DestinationIp', 'sIP'],
  process: ['InitiatingProcessFolderPath', 'SrcProcessName', 'ProcessName'],
}

/**
 * Returns the finding columns of `table` that exist in `available`
 * (the table's column names), falling back to common column names for
 * tables without an entry.
 */
export function findingColumns(
  table: string,
  available: ReadonlySet<string>,
): FindingColumns {
  const roles = BY_TABLE[table] ?? FALLBACK
  const keep = (names: readonly string[]) =>
    names.filter((n) => available.has(n))
  return {
    time: keep(roles.time),
    device: keep(roles.device),
    sourceHost: keep(roles.sourceHost),
    sourceIp: keep(roles.sourceIp),
    destinationHost: keep(roles.destinationHost),
    destinationIp: keep(roles.destinationIp),
    process: keep(roles.process),
  }
}

/**
 * Returns the source columns a table relation carries for findings: the
 * log file and line and every column {@link findingColumns} names.
 */
export function carriedColumns(
  table: string,
  columns: readonly { name: string }[],
): string[] {
  const roles = findingColumns(table, new Set(columns.map((c) => c.name)))
  return [
    ...new Set([
      '_SourceFile',
      '_SourceLine',
      ...roles.time,
      ...roles.device,
      ...roles.sourceHost,
      ...roles.sourceIp,
      ...roles.destinationHost,
      ...roles.destinationIp,
      ...roles.process,
    ]),
  ]
}
