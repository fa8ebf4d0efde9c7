/**
 * The workspace functions that Sentinel hunting queries call besides tables:
 * the unifying ASIM parsers and `_GetWatchlist`. Each entry is data that the
 * KQL validator declares to the Kusto parser: a parameter list in KQL
 * declaration syntax and the columns of the result.
 */
import type {
  CatalogColumn,
  KqlScalarType,
  SchemaCatalog,
} from '../targets/kql/schema-catalog.ts'

/** A function a query may call, as the validator declares it. */
export interface SentinelFunction {
  readonly name: string
  /** Parameters in KQL declaration syntax, for example `(a:int=int(null))`. */
  readonly parameters: string
  /** Columns of the result table. */
  readonly columns: readonly CatalogColumn[]
  /**
   * True when the result may have more columns than `columns`. The parser then
   * accepts any other column name and types it as dynamic.
   */
  readonly isOpen: boolean
  readonly description: string
}

function columns(
  list: readonly (readonly [string, KqlScalarType])[],
): CatalogColumn[] {
  return list.map(([name, type]) => ({ name, type }))
}

// Set by the ASIM parsers when an IP prefix or hostname filter parameter is
// given, to tell which of the source and destination fields matched. The
// Network Session page documents both with its filtering parameters, and the
// Web Session page documents ASimMatchingIpAddr (see the parameters below).
const MATCHING_IP_ADDR = { name: 'ASimMatchingIpAddr', type: 'string' } as const
const MATCHING_HOSTNAME = {
  name: 'ASimMatchingHostname',
  type: 'string',
} as const

// Filtering parameters of `_Im_NetworkSession`, in the order and with the
// types and defaults of ParserParams in Parsers/ASimNetworkSession/Parsers/
// imNetworkSession.yaml of Azure/Azure-Sentinel (commit 853c895, parser
// version 0.6), which match the parameter table of
// https://learn.microsoft.com/azure/sentinel/normalization-schema-network.
// The docs also allow a string for hostname_has_any and dvcaction. A Kusto
// function parameter has one type, so both are declared dynamic, as in the
// parser.
const NETWORK_SESSION_PARAMETERS =
  '(starttime:datetime=datetime(null), endtime:datetime=datetime(null), ' +
  'srcipaddr_has_any_prefix:dynamic=dynamic([]), ' +
  'dstipaddr_has_any_prefix:dynamic=dynamic([]), ' +
  'ipaddr_has_any_prefix:dynamic=dynamic([]), dstportnumber:int=int(null), ' +
  'hostname_has_any:dynamic=dynamic([]), dvcaction:dynamic=dynamic([]), ' +
  "eventresult:string='*', pack:bool=false)"

// Filtering parameters of `_Im_Dns`, from ParserParams in
// Parsers/ASimDns/Parsers/imDns.yaml of Azure/Azure-Sentinel (commit
// 44e2f1b, parser version 0.5), matching the parameter table of
// https://learn.microsoft.com/azure/sentinel/normalization-schema-dns.
const DNS_PARAMETERS =
  '(starttime:datetime=datetime(null), endtime:datetime=datetime(null), ' +
  "srcipaddr:string='*', domain_has_any:dynamic=dynamic([]), " +
  "responsecodename:string='*', response_has_ipv4:string='*', " +
  "response_has_any_prefix:dynamic=dynamic([]), eventtype:string='lookup', " +
  'pack:bool=false)'

// Filtering parameters of `_Im_WebSession`: the eight of the parameter table
// of https://learn.microsoft.com/azure/sentinel/normalization-schema-web,
// with types and defaults from Parsers/ASimWebSession/Parsers/
// imWebSession.yaml of Azure/Azure-Sentinel (commit 793112e, parser version
// 0.6.1), plus that parser's `pack`.
const WEB_SESSION_PARAMETERS =
  '(starttime:datetime=datetime(null), endtime:datetime=datetime(null), ' +
  'srcipaddr_has_any_prefix:dynamic=dynamic([]), ' +
  'ipaddr_has_any_prefix:dynamic=dynamic([]), url_has_any:dynamic=dynamic([]), ' +
  'httpuseragent_has_any:dynamic=dynamic([]), ' +
  "eventresultdetails_in:dynamic=dynamic([]), eventresult:string='*', " +
  'pack:bool=false)'

// Fields of the ASIM DNS schema 0.1.7 with their documented types (IP
// address, enumerated and username fields are strings), from
// https://learn.microsoft.com/azure/sentinel/normalization-schema-dns.
// Aliases get the type of the field they alias. TimeGenerated is the
// Log Analytics time column every table has.
// NOTE: partial. The common ASIM fields are limited to those the DNS page
// lists, and the user, process and threat fields are left out, so a query
// using another documented DNS field gets a false "unknown name" error.
const DNS_COLUMNS = columns([
  ['TimeGenerated', 'datetime'],
  ['EventCount', 'int'],
  ['EventStartTime', 'datetime'],
  ['EventEndTime', 'datetime'],
  ['EventType', 'string'],
  ['EventSubType', 'string'],
  ['EventResult', 'string'],
  ['EventResultDetails', 'string'],
  ['EventSeverity', 'string'],
  ['EventProduct', 'string'],
  ['EventVendor', 'string'],
  ['EventSchema', 'string'],
  ['EventSchemaVersion', 'string'],
  ['Dvc', 'string'],
  ['DvcIpAddr', 'string'],
  ['DvcHostname', 'string'],
  ['DvcAction', 'string'],
  ['AdditionalFields', 'dynamic'],
  ['Src', 'string'],
  ['SrcIpAddr', 'string'],
  ['IpAddr', 'string'],
  ['SrcPortNumber', 'int'],
  ['SrcHostname', 'string'],
  ['Hostname', 'string'],
  ['SrcDomain', 'string'],
  ['SrcFQDN', 'string'],
  ['SrcUsername', 'string'],
  ['User', 'string'],
  ['SrcProcessName', 'string'],
  ['Process', 'string'],
  ['SrcProcessId', 'string'],
  ['Dst', 'string'],
  ['DstIpAddr', 'string'],
  ['DstPortNumber', 'int'],
  ['DstHostname', 'string'],
  ['DstDomain', 'string'],
  ['DstFQDN', 'string'],
  ['DnsQuery', 'string'],
  ['Domain', 'string'],
  ['DnsQueryType', 'int'],
  ['DnsQueryTypeName', 'string'],
  ['DnsResponseName', 'string'],
  ['DnsResponseCode', 'int'],
  ['DnsResponseCodeName', 'string'],
  ['TransactionIdHex', 'string'],
  ['NetworkProtocol', 'string'],
  ['NetworkProtocolVersion', 'string'],
  ['DnsQueryClass', 'int'],
  ['DnsQueryClassName', 'string'],
  ['DnsFlags', 'string'],
  ['DnsNetworkDuration', 'int'],
  ['Duration', 'int'],
  ['DnsFlagsAuthenticated', 'bool'],
  ['DnsFlagsAuthoritative', 'bool'],
  ['DnsFlagsCheckingDisabled', 'bool'],
  ['DnsFlagsRecursionAvailable', 'bool'],
  ['DnsFlagsRecursionDesired', 'bool'],
  ['DnsFlagsTruncated', 'bool'],
  ['DnsFlagsZ', 'bool'],
  ['DnsSessionId', 'string'],
])

// HTTP session fields of the ASIM Web Session schema 0.2.6 with their
// documented types, from
// https://learn.microsoft.com/azure/sentinel/normalization-schema-web.
// HttpStatusCode aliases EventResultDetails, a string in that schema.
const HTTP_SESSION_COLUMNS = columns([
  ['Url', 'string'],
  ['UrlCategory', 'string'],
  ['UrlOriginal', 'string'],
  ['HttpVersion', 'string'],
  ['HttpRequestMethod', 'string'],
  ['HttpStatusCode', 'string'],
  ['HttpContentType', 'string'],
  ['HttpContentFormat', 'string'],
  ['HttpReferrer', 'string'],
  ['HttpUserAgent', 'string'],
  ['UserAgent', 'string'],
  ['HttpRequestXff', 'string'],
  ['HttpRequestTime', 'int'],
  ['HttpResponseTime', 'int'],
  ['HttpHost', 'string'],
  ['FileName', 'string'],
  ['FileMD5', 'string'],
  ['FileSHA1', 'string'],
  ['FileSHA256', 'string'],
  ['FileSHA512', 'string'],
  ['Hash', 'string'],
  ['FileHashType', 'string'],
  ['FileSize', 'long'],
  ['FileContentType', 'string'],
])

// The Web Session schema page states that it includes every Network Session
// field, with NetworkRuleName and NetworkRuleNumber renamed RuleName and
// RuleNumber.
const WEB_SESSION_RENAMES: Readonly<Record<string, string>> = {
  NetworkRuleName: 'RuleName',
  NetworkRuleNumber: 'RuleNumber',
}

/** The native Network Session table, whose columns `_Im_NetworkSession` returns. */
export const NETWORK_SESSION_TABLE = 'ASimNetworkSessionLogs'

/**
 * Returns the functions the validator declares, with result columns taken
 * from `catalog` where a schema is a catalog table.
 *
 * @throws UnknownTableError when the catalog lacks
 *   {@link NETWORK_SESSION_TABLE}.
 */
export function sentinelFunctions(
  catalog: SchemaCatalog,
): readonly SentinelFunction[] {
  // NOTE: partial. The Network and Web Session parsers also return alias
  // fields (Src, Dst, IpAddr, Hostname, User, Duration and others) that the
  // native table lacks, so a query using one gets a false "unknown name" error.
  const networkSession = catalog.tableColumns(NETWORK_SESSION_TABLE)
  const webSession = networkSession.map((column) => ({
    ...column,
    name: WEB_SESSION_RENAMES[column.name] ?? column.name,
  }))
  return [
    {
      name: '_Im_NetworkSession',
      parameters: NETWORK_SESSION_PARAMETERS,
      columns: [...networkSession, MATCHING_IP_ADDR, MATCHING_HOSTNAME],
      isOpen: false,
      description: 'ASIM Network Session unifying parser',
    },
    {
      name: '_Im_Dns',
      parameters: DNS_PARAMETERS,
      columns: DNS_COLUMNS,
      isOpen: false,
      description: 'ASIM DNS activity unifying parser',
    },
    {
      name: '_Im_WebSession',
      parameters: WEB_SESSION_PARAMETERS,
      columns: [...webSession, ...HTTP_SESSION_COLUMNS, MATCHING_IP_ADDR],
      isOpen: false,
      description: 'ASIM Web Session unifying parser',
    },
    {
      // https://learn.microsoft.com/azure/sentinel/watchlists-queries: the
      // function takes the watchlist alias and returns the watchlist's
      // items with SearchKey as its own column, next to the columns of the
      // uploaded file, whose names differ per watchlist. The result is
      // therefore open: any other column name is accepted.
      name: '_GetWatchlist',
      parameters: '(watchlistAlias:string)',
      columns: columns([['SearchKey', 'string']]),
      isOpen: true,
      description: 'Sentinel watchlist items',
    },
  ]
}
