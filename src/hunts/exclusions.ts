import type { Observable } from './observable.ts'
import type { ExclusionRole } from './table-profile.ts'

/**
 * Comparison of a condition between a column and its values. Every comparison is
 * case-insensitive, and an empty column never satisfies one, so an
 * exclusion never removes a row for lack of data.
 * - `equals-any`: the column equals one of the values.
 * - `starts-with-any`: the column starts with one of the values.
 * - `has-any`: the column contains one of the values as whole terms.
 * - `domain-or-subdomain-of-any`: the column is one of the domains or a
 *   subdomain of one.
 */
export type ExclusionOperator =
  'equals-any' | 'starts-with-any' | 'has-any' | 'domain-or-subdomain-of-any'

/** Values of a condition: fixed in the rule, or supplied per site. */
export type ExclusionValues =
  | { values: readonly string[] }
  | {
      /** Key of `exclusionParameters` in the hunt options. */
      parameter: string
    }

/** One test on one column role. */
export type ExclusionCondition = {
  role: ExclusionRole
  operator: ExclusionOperator
} & ExclusionValues

/**
 * A benign activity that can match an indicator, and the test that leaves
 * it out. A row is excluded only when every condition holds.
 */
export interface ExclusionRule {
  id: string
  /** The benign activity, as a hunter would name it. */
  scenario: string
  /** Reason the conditions are safe, and the cases they cannot rule out. */
  rationale: string
  conditions: readonly ExclusionCondition[]
  /** Observables whose hunts use the rule. */
  appliesTo: readonly Observable[]
  /** Reason the rule is never applied, for a scenario kept only to record it. */
  rejected?: string
}

// A hash match names the file itself, so no process context makes it benign:
// rules apply to network observables only.
const NETWORK_OBSERVABLES: readonly Observable[] = [
  'ip-port',
  'ip',
  'domain',
  'url',
]

// Veeam KB1999 lists these two folders as the program folders of Veeam
// Backup & Replication (https://www.veeam.com/kb1999).
const VEEAM_FOLDERS = [
  'C:\\Program Files\\Veeam\\',
  'C:\\Program Files (x86)\\Veeam\\',
]

const SYSTEM_FOLDERS = ['C:\\Windows\\System32\\', 'C:\\Windows\\SysWOW64\\']

const veeamBackupAgent: ExclusionRule = {
  id: 'veeam-backup-agent',
  scenario: 'Scheduled backup by Veeam Backup & Replication or Veeam Agent',
  rationale:
    'Veeam services open many connections during a backup window. A row is left out only when ' +
    'the initiating process has a Veeam service name and runs from the Veeam program folder. ' +
    'The name alone is not enough, because malware can call itself VeeamBackup.exe, but it ' +
    'cannot write to Program Files without administrator rights.',
  conditions: [
    {
      role: 'initiating-process-file-name',
      operator: 'equals-any',
      // NOTE: service executables of Veeam Backup & Replication and Veeam
      // Agent for Windows as known to the authors, not checked against a
      // current install. A missing name only keeps more rows.
      values: [
        'Veeam.Backup.Service.exe',
        'Veeam.Backup.Manager.exe',
        'VeeamAgent.exe',
        'VeeamTransportSvc.exe',
        'VeeamDeploymentSvc.exe',
        'Veeam.EndPoint.Service.exe',
      ],
    },
    {
      role: 'initiating-process-folder-path',
      operator: 'starts-with-any',
      values: VEEAM_FOLDERS,
    },
  ],
  appliesTo: NETWORK_OBSERVABLES,
}

const windowsUpdateClient: ExclusionRule = {
  id: 'windows-update-client',
  scenario: 'Windows Update client downloading updates',
  rationale:
    'All three conditions must hold: a Windows Update client binary, from the system folder, ' +
    'connecting to a Microsoft update host. The host name alone is not enough, because malware ' +
    'chooses its own TLS server name and HTTP Host header. The process alone is not enough, ' +
    'because code injected into wuauclt.exe keeps its name and folder. The original scenario ' +
    'also names gupdate.exe, which is Google Update and not part of Windows, so it is not excluded.',
  conditions: [
    {
      role: 'initiating-process-file-name',
      operator: 'equals-any',
      values: ['wuauclt.exe', 'UsoClient.exe', 'MoUsoCoreWorker.exe'],
    },
    {
      role: 'initiating-process-folder-path',
      operator: 'starts-with-any',
      values: SYSTEM_FOLDERS,
    },
    {
      role: 'destination-host-name',
      operator: 'domain-or-subdomain-of-any',
      // Windows Update endpoints in Microsoft's "Manage connection endpoints
      // for Windows" pages (MicrosoftDocs/windows-itpro-docs,
      // windows/privacy/manage-windows-*-endpoints.md).
      values: [
        'windowsupdate.com',
        'update.microsoft.com',
        'delivery.mp.microsoft.com',
      ],
    },
  ],
  appliesTo: NETWORK_OBSERVABLES,
}

const groupPolicyRefresh: ExclusionRule = {
  id: 'group-policy-refresh',
  scenario: 'Group Policy refresh with gpupdate.exe',
  rationale:
    'gpupdate.exe contacts domain controllers and file shares when policy is refreshed. Only ' +
    'the binary in the system folders is left out, so a copy elsewhere still matches.',
  conditions: [
    {
      role: 'initiating-process-file-name',
      operator: 'equals-any',
      values: ['gpupdate.exe'],
    },
    {
      role: 'initiating-process-folder-path',
      operator: 'starts-with-any',
      values: SYSTEM_FOLDERS,
    },
  ],
  appliesTo: NETWORK_OBSERVABLES,
}

const administrativePowerShell: ExclusionRule = {
  id: 'administrative-powershell-scripts',
  scenario: 'PowerShell running a known administrative script',
  rationale:
    'PowerShell from its standard folder is how most loaders run, so name and folder alone would ' +
    'hide the attack. The rule applies only when the command line also names one of your own ' +
    'administrative scripts, given as the adminScriptPaths parameter. Anyone who knows a listed ' +
    'path can write it into a command line, so keep the scripts in a folder that only ' +
    'administrators can change.',
  conditions: [
    {
      role: 'initiating-process-file-name',
      operator: 'equals-any',
      values: ['powershell.exe', 'pwsh.exe'],
    },
    {
      role: 'initiating-process-folder-path',
      operator: 'starts-with-any',
      values: [
        'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\',
        'C:\\Windows\\SysWOW64\\WindowsPowerShell\\v1.0\\',
        'C:\\Program Files\\PowerShell\\',
      ],
    },
    {
      role: 'initiating-process-command-line',
      operator: 'has-any',
      parameter: 'adminScriptPaths',
    },
  ],
  appliesTo: NETWORK_OBSERVABLES,
}

const splunkForwarder: ExclusionRule = {
  id: 'splunk-forwarder',
  scenario: 'Splunk forwarder sending logs',
  rationale:
    'Splunk processes are left out only when they run from the Splunk program folders, so a ' +
    'renamed implant elsewhere still matches.',
  conditions: [
    {
      role: 'initiating-process-file-name',
      operator: 'equals-any',
      values: ['splunkd.exe', 'splunk-winevtlog.exe'],
    },
    {
      role: 'initiating-process-folder-path',
      operator: 'starts-with-any',
      values: [
        'C:\\Program Files\\SplunkUniversalForwarder\\',
        'C:\\Program Files\\Splunk\\',
      ],
    },
  ],
  appliesTo: NETWORK_OBSERVABLES,
}

const elasticAgent: ExclusionRule = {
  id: 'elastic-agent-beats',
  scenario: 'Elastic Agent or Beats shipping logs',
  rationale:
    'Elastic Agent and Beats processes are left out only when they run from the Elastic program ' +
    'folder. The original scenario names elasticsearch.exe, but Elasticsearch runs in a Java ' +
    'virtual machine and excluding java.exe would hide too much, so it is not excluded.',
  conditions: [
    {
      role: 'initiating-process-file-name',
      operator: 'equals-any',
      values: [
        'elastic-agent.exe',
        'elastic-endpoint.exe',
        'winlogbeat.exe',
        'filebeat.exe',
        'metricbeat.exe',
        'packetbeat.exe',
      ],
    },
    {
      role: 'initiating-process-folder-path',
      operator: 'starts-with-any',
      values: ['C:\\Program Files\\Elastic\\'],
    },
  ],
  appliesTo: NETWORK_OBSERVABLES,
}

const sqlServerServices: ExclusionRule = {
  id: 'sql-server-services',
  scenario: 'SQL Server and SQL Server Agent maintenance jobs',
  rationale:
    'The database engine and SQL Server Agent are left out only when they run from the SQL ' +
    'Server program folder.',
  conditions: [
    {
      role: 'initiating-process-file-name',
      operator: 'equals-any',
      values: ['sqlservr.exe', 'SQLAGENT.EXE'],
    },
    {
      role: 'initiating-process-folder-path',
      operator: 'starts-with-any',
      values: ['C:\\Program Files\\Microsoft SQL Server\\'],
    },
  ],
  appliesTo: NETWORK_OBSERVABLES,
}

const oracleDatabaseService: ExclusionRule = {
  id: 'oracle-database-service',
  scenario: 'Oracle database jobs (DBMS_JOB, DBMS_SCHEDULER)',
  rationale:
    'oracle.exe is left out only when it runs from one of your Oracle homes, given as the ' +
    'oracleHomePaths parameter, because the Oracle home folder is chosen at installation.',
  conditions: [
    {
      role: 'initiating-process-file-name',
      operator: 'equals-any',
      values: ['oracle.exe'],
    },
    {
      role: 'initiating-process-folder-path',
      operator: 'starts-with-any',
      parameter: 'oracleHomePaths',
    },
  ],
  appliesTo: NETWORK_OBSERVABLES,
}

const SERVER_ADDRESS_REJECTION =
  'A C2 connection to or from one of these servers has the server address on one side, ' +
  'so excluding the address would hide attacks on the hosts that hold your logs and data. ' +
  'Review such hits instead.'

const logManagementServers: ExclusionRule = {
  id: 'log-management-servers',
  scenario: 'Traffic to log management servers (Splunk, Elasticsearch)',
  rationale: SERVER_ADDRESS_REJECTION,
  conditions: [
    {
      role: 'destination-ip-address',
      operator: 'equals-any',
      parameter: 'logManagementAddresses',
    },
  ],
  appliesTo: NETWORK_OBSERVABLES,
  rejected: SERVER_ADDRESS_REJECTION,
}

const internalDatabaseServers: ExclusionRule = {
  id: 'internal-database-servers',
  scenario: 'Connections to internal database servers',
  rationale: SERVER_ADDRESS_REJECTION,
  conditions: [
    {
      role: 'destination-ip-address',
      operator: 'equals-any',
      parameter: 'databaseServerAddresses',
    },
  ],
  appliesTo: NETWORK_OBSERVABLES,
  rejected: SERVER_ADDRESS_REJECTION,
}

/**
 * Exclusion rules for the false-positive scenarios hunts consider, in the
 * order they are applied and reported.
 */
export const EXCLUSION_RULES: readonly ExclusionRule[] = [
  veeamBackupAgent,
  windowsUpdateClient,
  groupPolicyRefresh,
  administrativePowerShell,
  splunkForwarder,
  elasticAgent,
  sqlServerServices,
  oracleDatabaseService,
  logManagementServers,
  internalDatabaseServers,
]

const ROLE_NAMES: Readonly<Record<ExclusionRole, string>> = {
  'initiating-process-file-name': 'initiating process file name',
  'initiating-process-folder-path': 'initiating process folder',
  'initiating-process-command-line': 'initiating process command line',
  'destination-host-name': 'destination host name',
  'destination-ip-address': 'destination IP address',
}

const OPERATOR_PHRASES: Readonly<Record<ExclusionOperator, string>> = {
  'equals-any': 'is one of',
  'starts-with-any': 'starts with one of',
  'has-any': 'contains one of',
  'domain-or-subdomain-of-any': 'is in one of the domains',
}

/** Returns the plain-language name of a column role, for reports. */
export function describeExclusionRole(role: ExclusionRole): string {
  return ROLE_NAMES[role]
}

/**
 * Describes a condition in plain words for a report, for example
 * `initiating process file name is one of gpupdate.exe`. Values are
 * joined with `, ` and not escaped, so Markdown output must escape them.
 */
export function describeExclusionCondition(
  condition: ExclusionCondition,
): string {
  const subject = `${ROLE_NAMES[condition.role]} ${OPERATOR_PHRASES[condition.operator]}`
  if ('parameter' in condition) {
    return `${subject} the values of the ${condition.parameter} parameter`
  }
  return `${subject} ${condition.values.join(', ')}`
}
