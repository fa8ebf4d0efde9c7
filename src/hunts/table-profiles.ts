import type { TableProfile } from './table-profile.ts'

// Every table huntpack hunts in, as data. Adding a table means adding one
// entry here; the renderers read nothing table-specific from anywhere else.
// Column names match src/targets/kql/schemas/sentinel-tables.json, or for
// an ASIM parser the result columns the KQL validator declares for it and
// the native table the local hunting engine reads. A test checks both.

// Connector display names as the Microsoft Sentinel content hub lists them.
// Sources: Azure-Sentinel repository, Solutions/Common Event Format/Data
// Connectors/CEF AMA.JSON (id CefAma, table CommonSecurityLog) and
// Solutions/Microsoft Defender XDR/Data Connectors/MicrosoftThreatProtection.JSON
// (id MicrosoftThreatProtection, tables Device*, UrlClickEvents and more).
const CEF_VIA_AMA = 'Common Event Format (CEF) via AMA'
const DEFENDER_XDR = 'Microsoft Defender XDR'

const DEFENDER_PROCESS_EXCLUSION_COLUMNS = {
  'initiating-process-file-name': 'InitiatingProcessFileName',
  'initiating-process-folder-path': 'InitiatingProcessFolderPath',
  'initiating-process-command-line': 'InitiatingProcessCommandLine',
} as const

const commonSecurityLog: TableProfile = {
  name: 'CommonSecurityLog',
  kind: 'table',
  catalogTable: 'CommonSecurityLog',
  timeColumn: 'TimeGenerated',
  defenderXdr: false,
  // "Syslog via AMA" writes plain syslog to the Syslog table, not here.
  connectors: [CEF_VIA_AMA],
  endpoints: [
    {
      role: 'destination',
      alias: 'Destination',
      ipColumn: 'DestinationIP',
      portColumn: 'DestinationPort',
    },
    {
      role: 'source',
      alias: 'Source',
      ipColumn: 'SourceIP',
      portColumn: 'SourcePort',
    },
  ],
  logsIpv4MappedIpv6: false,
  // CEF `request` (RequestURL) contains the URL of a web request, whose host
  // a device need not copy into DestinationHostName, so domain hunts read both.
  hostNameColumns: ['DestinationHostName', 'RequestURL'],
  urlHostColumns: ['RequestURL'],
  urlColumns: ['RequestURL'],
  // CEF fileHash carries no hash type, so every hash hunt reads it.
  hashColumns: {
    md5: ['FileHash'],
    sha1: ['FileHash'],
    sha256: ['FileHash'],
  },
  // CEF has a source process name (sproc) but no folder, so process
  // exclusions that need a folder cannot be written for this table.
  exclusionColumns: {
    'initiating-process-file-name': 'SourceProcessName',
    'destination-host-name': 'DestinationHostName',
  },
  triageColumns: [
    'TimeGenerated',
    'DeviceVendor',
    'DeviceProduct',
    'DeviceName',
    'Activity',
    'DeviceAction',
    'SourceIP',
    'SourcePort',
    'SourceHostName',
    'SourceUserName',
    'DestinationIP',
    'DestinationPort',
    'DestinationHostName',
    'Protocol',
    'RequestURL',
  ],
  sources: [
    'https://learn.microsoft.com/azure/azure-monitor/reference/tables/commonsecuritylog',
    'https://learn.microsoft.com/azure/sentinel/connect-cef-syslog-ama',
  ],
}

const deviceNetworkEvents: TableProfile = {
  name: 'DeviceNetworkEvents',
  kind: 'table',
  catalogTable: 'DeviceNetworkEvents',
  timeColumn: 'Timestamp',
  defenderXdr: true,
  connectors: [DEFENDER_XDR],
  endpoints: [
    {
      role: 'remote',
      alias: 'Remote',
      ipColumn: 'RemoteIP',
      portColumn: 'RemotePort',
    },
  ],
  // Defender for Endpoint reports some IPv4 peers as IPv4-mapped IPv6 and
  // types them FourToSixMapping in RemoteIPType.
  logsIpv4MappedIpv6: true,
  hostNameColumns: ['RemoteUrl'],
  urlColumns: ['RemoteUrl'],
  hashColumns: {
    md5: ['InitiatingProcessMD5'],
    sha1: ['InitiatingProcessSHA1'],
    sha256: ['InitiatingProcessSHA256'],
  },
  exclusionColumns: {
    ...DEFENDER_PROCESS_EXCLUSION_COLUMNS,
    'destination-host-name': 'RemoteUrl',
  },
  triageColumns: [
    'Timestamp',
    'DeviceName',
    'ActionType',
    'LocalIP',
    'LocalPort',
    'RemoteIP',
    'RemotePort',
    'RemoteIPType',
    'RemoteUrl',
    'Protocol',
    'InitiatingProcessFileName',
    'InitiatingProcessFolderPath',
    'InitiatingProcessCommandLine',
    'InitiatingProcessAccountDomain',
    'InitiatingProcessAccountName',
  ],
  notes: {
    // RemoteUrl contains "URL or fully qualified domain name" (schema reference).
    domain:
      'RemoteUrl values that are whole URLs rather than host names do not match the domain; ' +
      'the url hunts compare whole URLs.',
    sha256:
      'Defender often leaves InitiatingProcessSHA256 empty, so SHA-1 or MD5 indicators of the same file find more.',
  },
  sources: [
    'https://learn.microsoft.com/defender-xdr/advanced-hunting-devicenetworkevents-table',
  ],
}

const deviceFileEvents: TableProfile = {
  name: 'DeviceFileEvents',
  kind: 'table',
  catalogTable: 'DeviceFileEvents',
  timeColumn: 'Timestamp',
  defenderXdr: true,
  connectors: [DEFENDER_XDR],
  endpoints: [],
  logsIpv4MappedIpv6: false,
  hostNameColumns: [],
  // URL the file was downloaded from, which is where payload URLs show up.
  urlColumns: ['FileOriginUrl'],
  hashColumns: {
    md5: ['MD5', 'InitiatingProcessMD5'],
    sha1: ['SHA1', 'InitiatingProcessSHA1'],
    sha256: ['SHA256', 'InitiatingProcessSHA256'],
  },
  exclusionColumns: DEFENDER_PROCESS_EXCLUSION_COLUMNS,
  triageColumns: [
    'Timestamp',
    'DeviceName',
    'ActionType',
    'FileName',
    'FolderPath',
    'SHA256',
    'SHA1',
    'MD5',
    'FileOriginUrl',
    'FileOriginIP',
    'InitiatingProcessFileName',
    'InitiatingProcessFolderPath',
    'InitiatingProcessCommandLine',
    'InitiatingProcessAccountDomain',
    'InitiatingProcessAccountName',
  ],
  // Microsoft's own TI rule matches SHA1 and SHA256 of DeviceFileEvents.
  sources: [
    'https://github.com/Azure/Azure-Sentinel/blob/master/Solutions/Threat%20Intelligence/Analytic%20Rules/FileHashEntity_DeviceFileEvents.yaml',
  ],
}

const deviceProcessEvents: TableProfile = {
  name: 'DeviceProcessEvents',
  kind: 'table',
  catalogTable: 'DeviceProcessEvents',
  timeColumn: 'Timestamp',
  defenderXdr: true,
  connectors: [DEFENDER_XDR],
  endpoints: [],
  logsIpv4MappedIpv6: false,
  hostNameColumns: [],
  urlColumns: [],
  hashColumns: {
    md5: ['MD5', 'InitiatingProcessMD5'],
    sha1: ['SHA1', 'InitiatingProcessSHA1'],
    sha256: ['SHA256', 'InitiatingProcessSHA256'],
  },
  exclusionColumns: DEFENDER_PROCESS_EXCLUSION_COLUMNS,
  triageColumns: [
    'Timestamp',
    'DeviceName',
    'ActionType',
    'FileName',
    'FolderPath',
    'ProcessCommandLine',
    'SHA256',
    'SHA1',
    'MD5',
    'AccountDomain',
    'AccountName',
    'InitiatingProcessFileName',
    'InitiatingProcessFolderPath',
    'InitiatingProcessCommandLine',
  ],
  // The schema reference states that SHA256 is usually empty here.
  notes: {
    sha256:
      'Defender often leaves SHA256 empty in DeviceProcessEvents, so SHA-1 or MD5 indicators of the same file find more.',
  },
  sources: [
    'https://learn.microsoft.com/defender-xdr/advanced-hunting-deviceprocessevents-table',
  ],
}

const dnsEvents: TableProfile = {
  name: 'DnsEvents',
  kind: 'table',
  catalogTable: 'DnsEvents',
  timeColumn: 'TimeGenerated',
  defenderXdr: false,
  // The legacy-agent "DNS" connector (Windows Server DNS solution) fills
  // DnsEvents. "Windows DNS Events via AMA" writes ASimDnsActivityLogs
  // instead, so it is not listed here.
  connectors: ['DNS (Windows DNS Server via legacy agent)'],
  endpoints: [],
  logsIpv4MappedIpv6: false,
  hostNameColumns: ['Name'],
  urlColumns: [],
  hashColumns: {},
  exclusionColumns: {},
  triageColumns: [
    'TimeGenerated',
    'Computer',
    'ClientIP',
    'SubType',
    'Name',
    'QueryType',
    'IPAddresses',
    'ResultCode',
  ],
  sources: [
    'https://learn.microsoft.com/azure/azure-monitor/reference/tables/dnsevents',
    'https://github.com/Azure/Azure-Sentinel/blob/master/Solutions/Windows%20Server%20DNS/Data%20Connectors/template_DNS.JSON',
  ],
}

const imNetworkSession: TableProfile = {
  name: '_Im_NetworkSession',
  kind: 'asim-parser',
  // The unifying parser returns the normalised NetworkSession schema, whose
  // columns the catalog lists as the ASimNetworkSessionLogs table.
  catalogTable: 'ASimNetworkSessionLogs',
  timeColumn: 'TimeGenerated',
  defenderXdr: false,
  connectors: ['Any data connector with an ASIM NetworkSession parser'],
  endpoints: [
    {
      role: 'destination',
      alias: 'Dst',
      ipColumn: 'DstIpAddr',
      portColumn: 'DstPortNumber',
    },
    {
      role: 'source',
      alias: 'Src',
      ipColumn: 'SrcIpAddr',
      portColumn: 'SrcPortNumber',
    },
  ],
  logsIpv4MappedIpv6: false,
  // The hostname_has_any prefilter reads DstHostname, where the log loader
  // writes the TLS server name (SNI) of Zeek ssl and Suricata tls. DstFQDN
  // stays for sources that write the full name there.
  hostNameColumns: ['DstFQDN', 'DstHostname'],
  urlColumns: [],
  hashColumns: {},
  exclusionColumns: {},
  triageColumns: [
    'TimeGenerated',
    'EventVendor',
    'EventProduct',
    'Dvc',
    'EventType',
    'DvcAction',
    'EventResult',
    'SrcIpAddr',
    'SrcPortNumber',
    'SrcHostname',
    'SrcUsername',
    'DstIpAddr',
    'DstPortNumber',
    'DstHostname',
    'NetworkProtocol',
    'NetworkDirection',
  ],
  // The parser takes dstportnumber too, but only one port, so a hunt for
  // several ip:port indicators filters ports after the call.
  parserFilters: {
    startTime: 'starttime',
    ipAddresses: 'ipaddr_has_any_prefix',
    // The documentation describes the list as IPv4 prefixes ending in `.`.
    // A whole IPv4 address is a valid prefix too, as for Kusto's
    // has_any_ipv4_prefix() (learn.microsoft.com/kusto/query/has-any-ipv4-prefix-function).
    ipAddressesIpv4Only: true,
    hostNames: 'hostname_has_any',
  },
  notes: {
    // vimNetworkSessionNative in Azure/Azure-Sentinel tests hostname_has_any
    // against SrcHostname and DstHostname only.
    domain:
      'The parser prefilter hostname_has_any reads SrcHostname and DstHostname, so a session ' +
      'whose DstHostname holds only the host label, with the full name in DstFQDN, is not found.',
  },
  sources: [
    'https://learn.microsoft.com/azure/sentinel/normalization-schema-network',
    'https://github.com/Azure/Azure-Sentinel/blob/master/Parsers/ASimNetworkSession/Parsers/vimNetworkSessionNative.yaml',
  ],
}

const imDns: TableProfile = {
  name: '_Im_Dns',
  kind: 'asim-parser',
  catalogTable: 'ASimDnsActivityLogs',
  timeColumn: 'TimeGenerated',
  defenderXdr: false,
  connectors: ['Any data connector with an ASIM Dns parser'],
  endpoints: [],
  logsIpv4MappedIpv6: false,
  hostNameColumns: ['DnsQuery'],
  urlColumns: [],
  hashColumns: {},
  exclusionColumns: {},
  triageColumns: [
    'TimeGenerated',
    'EventVendor',
    'EventProduct',
    'Dvc',
    'EventType',
    'EventResultDetails',
    'SrcIpAddr',
    'SrcHostname',
    'DnsQuery',
    'DnsQueryTypeName',
    'DnsResponseName',
  ],
  // The documented parameter domain_has_any filters DnsQuery with has_any,
  // subdomains included.
  parserFilters: {
    startTime: 'starttime',
    hostNames: 'domain_has_any',
  },
  sources: [
    'https://learn.microsoft.com/azure/sentinel/normalization-schema-dns',
  ],
}

const WEB_SESSION_FILE_NOTE =
  'The Web Session schema defines FileMD5, FileSHA1 and FileSHA256 for uploaded files, ' +
  'so whether downloaded files are found depends on the source parser.'

const imWebSession: TableProfile = {
  name: '_Im_WebSession',
  kind: 'asim-parser',
  catalogTable: 'ASimWebSessionLogs',
  timeColumn: 'TimeGenerated',
  defenderXdr: false,
  connectors: ['Any data connector with an ASIM WebSession parser'],
  endpoints: [],
  logsIpv4MappedIpv6: false,
  // The schema names Url the primary destination field of a web session.
  // HttpHost, taken from the Host header, and DstHostname are optional.
  hostNameColumns: ['Url', 'HttpHost', 'DstHostname'],
  urlHostColumns: ['Url'],
  urlColumns: ['Url'],
  // The schema defines the File* fields for uploaded files. The log loader
  // also fills them from Suricata fileinfo, which covers downloads.
  hashColumns: {
    md5: ['FileMD5'],
    sha1: ['FileSHA1'],
    sha256: ['FileSHA256'],
  },
  exclusionColumns: {},
  triageColumns: [
    'TimeGenerated',
    'EventVendor',
    'EventProduct',
    'Dvc',
    'EventType',
    'EventResult',
    'EventResultDetails',
    'SrcIpAddr',
    'SrcPortNumber',
    'SrcHostname',
    'SrcUsername',
    'DstIpAddr',
    'DstPortNumber',
    'DstHostname',
    'HttpHost',
    'HttpRequestMethod',
    'Url',
    'HttpUserAgent',
    'FileName',
  ],
  // The parser has no host name parameter. The schema page filters web
  // sessions for a list of domain names with url_has_any, so domain hunts
  // pass their domains there too.
  parserFilters: {
    startTime: 'starttime',
    hostNames: 'url_has_any',
    urls: 'url_has_any',
  },
  notes: {
    md5: WEB_SESSION_FILE_NOTE,
    sha1: WEB_SESSION_FILE_NOTE,
    sha256: WEB_SESSION_FILE_NOTE,
    domain:
      'The parser prefilter url_has_any keeps only sessions whose Url contains the domain, ' +
      'so a session that names the host only in HttpHost or DstHostname (a web server log ' +
      'whose Url is a path) is not found.',
  },
  sources: [
    'https://learn.microsoft.com/azure/sentinel/normalization-schema-web',
  ],
}

const urlClickEvents: TableProfile = {
  name: 'UrlClickEvents',
  kind: 'table',
  catalogTable: 'UrlClickEvents',
  // Defender XDR advanced hunting has Timestamp, but the Sentinel table in
  // the catalog has only TimeGenerated.
  timeColumn: 'TimeGenerated',
  defenderXdr: true,
  connectors: [DEFENDER_XDR],
  endpoints: [],
  logsIpv4MappedIpv6: false,
  hostNameColumns: [],
  // Safe Links logs the URL a user clicked in mail, Teams or Office apps.
  urlColumns: ['Url'],
  hashColumns: {},
  exclusionColumns: {},
  triageColumns: [
    'TimeGenerated',
    'AccountUpn',
    'Workload',
    'ActionType',
    'IsClickedThrough',
    'ThreatTypes',
    'Url',
    'IPAddress',
    'NetworkMessageId',
  ],
  sources: [
    'https://learn.microsoft.com/azure/azure-monitor/reference/queries/urlclickevents',
  ],
}

/** Every table and parser huntpack hunts in, in the order of a package. */
export const TABLE_PROFILES: readonly TableProfile[] = [
  commonSecurityLog,
  deviceNetworkEvents,
  deviceFileEvents,
  deviceProcessEvents,
  dnsEvents,
  imDns,
  imNetworkSession,
  imWebSession,
  urlClickEvents,
]

/** Returns the profile of a table or parser, or undefined when there is none. */
export function findTableProfile(name: string): TableProfile | undefined {
  return TABLE_PROFILES.find((profile) => profile.name === name)
}
