/**
 * The `requiredDataConnectors` of generated analytics rules: for each table
 * or parser huntpack hunts in, the connector ids and data types as the
 * Azure-Sentinel content repository writes them. Sentinel uses them to show
 * whether a rule's data is connected.
 */

/** One connector and the tables (data types) of it that a rule reads. */
export interface RequiredDataConnector {
  connectorId: string
  dataTypes: string[]
}

/** Raised for a table that has no connector entry. */
export class UnknownTableError extends Error {
  constructor(readonly table: string) {
    super(
      `no data connectors are known for table ${table}; add it to TABLE_DATA_CONNECTORS in src/deploy/required-data-connectors.ts`,
    )
    this.name = 'UnknownTableError'
  }
}

const defenderXdr = (table: string): RequiredDataConnector[] => [
  { connectorId: 'MicrosoftThreatProtection', dataTypes: [table] },
]

// Sources, all in Azure/Azure-Sentinel:
// - CEF and CefAma: the legacy-agent and AMA connectors of Common Event
//   Format. Rules list both, so either one marks the data as connected
//   (Solutions/Threat Intelligence/Analytic Rules/IPEntity_CustomSecurityLog.yaml
//   and the connector Solutions/Common Event Format/Data Connectors/CEF AMA.JSON).
// - MicrosoftThreatProtection: Defender XDR tables
//   (Solutions/Threat Intelligence/Analytic Rules/IPEntity_DeviceNetworkEvents.yaml).
// - DNS: DnsEvents (Solutions/Threat Intelligence/Analytic Rules/DomainEntity_DnsEvents.yaml).
// - The ASIM NetworkSession parser reads many sources; this list is the one
//   Solutions/Threat Intelligence/Analytic Rules/IPEntity_imNetworkSession.yaml uses.
const TABLE_DATA_CONNECTORS: Readonly<
  Record<string, readonly RequiredDataConnector[]>
> = {
  CommonSecurityLog: [
    { connectorId: 'CEF', dataTypes: ['CommonSecurityLog'] },
    { connectorId: 'CefAma', dataTypes: ['CommonSecurityLog'] },
  ],
  DeviceNetworkEvents: defenderXdr('DeviceNetworkEvents'),
  DeviceFileEvents: defenderXdr('DeviceFileEvents'),
  DeviceProcessEvents: defenderXdr('DeviceProcessEvents'),
  UrlClickEvents: defenderXdr('UrlClickEvents'),
  DnsEvents: [{ connectorId: 'DNS', dataTypes: ['DnsEvents'] }],
  _Im_NetworkSession: [
    { connectorId: 'AWSS3', dataTypes: ['AWSVPCFlow'] },
    {
      connectorId: 'MicrosoftThreatProtection',
      dataTypes: ['DeviceNetworkEvents'],
    },
    { connectorId: 'SecurityEvents', dataTypes: ['SecurityEvent'] },
    { connectorId: 'WindowsForwardedEvents', dataTypes: ['WindowsEvent'] },
    { connectorId: 'Zscaler', dataTypes: ['CommonSecurityLog'] },
    { connectorId: 'MicrosoftSysmonForLinux', dataTypes: ['Syslog'] },
    { connectorId: 'PaloAltoNetworks', dataTypes: ['CommonSecurityLog'] },
    { connectorId: 'AzureMonitor(VMInsights)', dataTypes: ['VMConnection'] },
    { connectorId: 'AzureFirewall', dataTypes: ['AzureDiagnostics'] },
    { connectorId: 'AzureNSG', dataTypes: ['AzureDiagnostics'] },
    { connectorId: 'CiscoASA', dataTypes: ['CommonSecurityLog'] },
    { connectorId: 'Corelight', dataTypes: ['Corelight_CL'] },
    { connectorId: 'AIVectraStream', dataTypes: ['VectraStream'] },
    { connectorId: 'CheckPoint', dataTypes: ['CommonSecurityLog'] },
    { connectorId: 'Fortinet', dataTypes: ['CommonSecurityLog'] },
    {
      connectorId: 'CiscoMeraki',
      dataTypes: ['Syslog', 'CiscoMerakiNativePoller'],
    },
  ],
  // The ASIM Dns and WebSession parsers: the lists of Solutions/Threat
  // Intelligence/Analytic Rules/imDns_DomainEntity_DnsEvents.yaml and
  // DomainEntity_imWebSession.yaml, without their threat intelligence
  // connectors.
  _Im_Dns: [
    { connectorId: 'DNS', dataTypes: ['DnsEvents'] },
    { connectorId: 'AzureFirewall', dataTypes: ['AzureDiagnostics'] },
    { connectorId: 'Zscaler', dataTypes: ['CommonSecurityLog'] },
    { connectorId: 'InfobloxNIOS', dataTypes: ['Syslog'] },
    { connectorId: 'GCPDNSDataConnector', dataTypes: ['GCP_DNS_CL'] },
    { connectorId: 'NXLogDnsLogs', dataTypes: ['NXLog_DNS_Server_CL'] },
    {
      connectorId: 'CiscoUmbrellaDataConnector',
      dataTypes: ['Cisco_Umbrella_dns_CL'],
    },
    { connectorId: 'Corelight', dataTypes: ['Corelight_CL'] },
  ],
  _Im_WebSession: [
    { connectorId: 'SquidProxy', dataTypes: ['SquidProxy_CL'] },
    { connectorId: 'Zscaler', dataTypes: ['CommonSecurityLog'] },
  ],
}

/**
 * Returns the connectors a rule on `table` requires, as fresh objects.
 *
 * @throws UnknownTableError when the table has no entry.
 */
export function requiredDataConnectorsFor(
  table: string,
): RequiredDataConnector[] {
  const connectors = TABLE_DATA_CONNECTORS[table]
  if (!connectors) throw new UnknownTableError(table)
  return connectors.map((connector) => ({
    connectorId: connector.connectorId,
    dataTypes: [...connector.dataTypes],
  }))
}
