import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { kqlDynamicStrings } from '../targets/kql/kql-literal.ts'
import {
  SchemaCatalog,
  UnknownTableError,
  sentinelCatalog,
  type CatalogColumn,
} from '../targets/kql/schema-catalog.ts'
import {
  KqlValidationError,
  KqlValidator,
  assertValidKql,
  type KqlDiagnostic,
} from './kql-validator.ts'
import { sentinelFunctions } from './sentinel-functions.ts'

const validator = KqlValidator.shared()

const UNKNOWN_NAME = (name: string) =>
  `The name '${name}' does not refer to any known column, table, variable or function.`

const NO_STATEMENT =
  'The query has no tabular expression statement, so it returns no table; ' +
  'end it with one, for example a table name followed by operators.'

function error(
  message: string,
  line: number,
  column: number,
  start: number,
  length: number,
): KqlDiagnostic {
  return { severity: 'error', message, line, column, start, length }
}

// A query that reads every column of a table once: filters on the first
// column of each type family and projects all of them, so a column the
// parser does not know or types differently fails.
function queryReadingAllColumns(
  table: string,
  columns: readonly CatalogColumn[],
): string {
  const lines = [table]
  const time = columns.find((c) => c.type === 'datetime')
  if (time) lines.push(`| where ${time.name} > ago(14d)`)
  const text = columns.find((c) => c.type === 'string')
  if (text) lines.push(`| where isnotempty(${text.name})`)
  const number = columns.find((c) => ['int', 'long', 'real'].includes(c.type))
  if (number) lines.push(`| where ${number.name} >= 0`)
  lines.push(`| project ${columns.map((c) => c.name).join(', ')}`)
  return lines.join('\n')
}

test('validator accepts every catalog table', () => {
  const catalog = sentinelCatalog()
  for (const table of catalog.tableNames) {
    const query = queryReadingAllColumns(table, catalog.tableColumns(table))
    assert.deepEqual(validator.validate(query), [], table)
  }
})

test('validator reports unknown column', () => {
  const query = 'DeviceNetworkEvents\n| where RemoteIp == "192.0.2.1"'

  assert.deepEqual(validator.validate(query), [
    error(UNKNOWN_NAME('RemoteIp'), 2, 9, 28, 8),
  ])
})

test('validator reports unknown table', () => {
  assert.deepEqual(validator.validate('DeviceNetworkEvent\n| take 10'), [
    error(
      "The name 'DeviceNetworkEvent' does not refer to any known table, tabular variable or function.",
      1,
      1,
      0,
      18,
    ),
  ])
})

test('validator reports syntax errors', () => {
  assert.deepEqual(
    validator.validate(
      'DeviceNetworkEvents\n| where RemotePort == 443 and\n| project RemoteIP',
    ),
    [error('Missing expression', 2, 30, 49, 0)],
  )
  assert.deepEqual(
    validator.validate('DeviceNetworkEvents\n| where RemotePort == 443)'),
    [error('The incomplete fragment is unexpected.', 2, 26, 45, 1)],
  )
})

test('validator reports type error', () => {
  assert.deepEqual(
    validator.validate('DeviceNetworkEvents\n| where RemotePort > ago(1d)'),
    [
      error(
        "The operator '>' is not defined for the operand types int and datetime.",
        2,
        20,
        39,
        1,
      ),
    ],
  )
})

test('validator positions after comments and CRLF', () => {
  const query =
    '// DCRat: connections to C2 ports\r\n' +
    'let lookback = 14d;\r\n' +
    'DeviceNetworkEvents\r\n' +
    '| where Timestamp > ago(lookback)\r\n' +
    '| where RemotePrt == 8888'

  assert.deepEqual(validator.validate(query), [
    error(UNKNOWN_NAME('RemotePrt'), 5, 9, 120, 9),
  ])
})

test('validator accepts ASIM network session', () => {
  const query =
    '_Im_NetworkSession(starttime=ago(1d), dstipaddr_has_any_prefix=dynamic(["192.0.2.1"])) ' +
    '| where DstPortNumber == 443'

  assert.deepEqual(validator.validate(query), [])
})

test('validator accepts every ASIM parameter', () => {
  const queries = [
    '_Im_NetworkSession(starttime=ago(1d), endtime=now(), ' +
      'srcipaddr_has_any_prefix=dynamic(["10."]), dstipaddr_has_any_prefix=dynamic(["192.0.2.1"]), ' +
      'ipaddr_has_any_prefix=dynamic(["198.51.100."]), dstportnumber=8888, ' +
      'hostname_has_any=dynamic(["bad-example.com"]), dvcaction=dynamic(["Allow"]), ' +
      "eventresult='Success', pack=true)\n" +
      '| project TimeGenerated, SrcIpAddr, DstIpAddr, DstPortNumber, ASimMatchingIpAddr, ASimMatchingHostname',
    '_Im_Dns(starttime=ago(1d), endtime=now(), srcipaddr="10.0.0.1", ' +
      'domain_has_any=dynamic(["bad-example.com"]), responsecodename="NXDOMAIN", ' +
      'response_has_ipv4="203.0.113.7", response_has_any_prefix=dynamic(["203.0."]), ' +
      'eventtype="lookup", pack=false)\n' +
      '| project TimeGenerated, DnsQuery, SrcIpAddr, DstIpAddr, DnsResponseName, EventResultDetails',
    '_Im_WebSession(starttime=ago(1d), endtime=now(), srcipaddr_has_any_prefix=dynamic(["10."]), ' +
      'ipaddr_has_any_prefix=dynamic(["203.0.113."]), url_has_any=dynamic(["/gate.php"]), ' +
      'httpuseragent_has_any=dynamic(["curl"]), eventresultdetails_in=dynamic(["200"]), ' +
      "eventresult='Success', pack=false)\n" +
      '| project TimeGenerated, Url, SrcIpAddr, DstIpAddr, DstPortNumber, HttpUserAgent, RuleName, ASimMatchingIpAddr',
  ]
  for (const query of queries) {
    assert.deepEqual(validator.validate(query), [], query)
  }
})

test('validator rejects undeclared ASIM parameter', () => {
  assert.deepEqual(validator.validate('_Im_NetworkSession(dstport=443)'), [
    error(
      'The argument name does not refer to a declared parameter.',
      1,
      20,
      19,
      7,
    ),
  ])
})

test('validator keeps ASIM columns apart', () => {
  assert.deepEqual(validator.validate('_Im_Dns | where Url has "x"'), [
    error(UNKNOWN_NAME('Url'), 1, 17, 16, 3),
  ])
  assert.deepEqual(
    validator.validate('_Im_WebSession | where NetworkRuleName == "x"'),
    [error(UNKNOWN_NAME('NetworkRuleName'), 1, 24, 23, 15)],
  )
})

test('validator accepts watchlist lookups', () => {
  const queries = [
    "DeviceNetworkEvents\n| lookup kind=leftouter _GetWatchlist('allowlist') on $left.RemoteIP == $right.SearchKey",
    'let allowed = _GetWatchlist("huntpack-allowlist") | project SearchKey;\n' +
      'DeviceNetworkEvents\n| where RemoteIP !in (allowed)',
    "_GetWatchlist('ipwatchlist') | project IPAddress, Location, SearchKey",
  ]
  for (const query of queries) {
    assert.deepEqual(validator.validate(query), [], query)
  }
})

test('validator checks watchlist arguments', () => {
  assert.deepEqual(validator.validate('_GetWatchlist()'), [
    error("The function '_GetWatchlist' expects 1 argument.", 1, 1, 0, 13),
  ])
})

test('validator reports fuzzy union warning', () => {
  assert.deepEqual(
    validator.validate(
      'union isfuzzy=true DeviceNetworkEvent, CommonSecurityLog',
    ),
    [
      {
        severity: 'warning',
        message:
          "The fuzzy name 'DeviceNetworkEvent' does not refer to any known or currently accessible table.",
        line: 1,
        column: 20,
        start: 19,
        length: 18,
      },
    ],
  )
})

test('validator requires a table result', () => {
  assert.deepEqual(validator.validate(''), [error(NO_STATEMENT, 1, 1, 0, 0)])
  assert.deepEqual(validator.validate('// only a comment\n'), [
    error(NO_STATEMENT, 1, 18, 17, 0),
  ])
  assert.deepEqual(validator.validate('let lookback = 14d;\n\n'), [
    error(NO_STATEMENT, 1, 20, 19, 0),
  ])
  assert.deepEqual(validator.validate('let n = 1;\nn + 1'), [
    error(
      'The query ends with a scalar expression, so it returns no table; ' +
        'end it with a tabular expression, for example a table name followed by operators.',
      2,
      6,
      16,
      0,
    ),
  ])
  assert.deepEqual(validator.validate('print n = 1'), [])
})

test('validator skips result check after errors', () => {
  assert.deepEqual(validator.validate('let x = Nope;'), [
    error(UNKNOWN_NAME('Nope'), 1, 9, 8, 4),
  ])
})

test('validator accepts ThreatFox IOC lists', () => {
  const export4488 = JSON.parse(
    readFileSync(
      new URL(
        '../../test/fixtures/threatfox/threatfox-export-json-recent-4488.json',
        import.meta.url,
      ),
      'utf8',
    ),
  ) as Record<string, { ioc_value: string; ioc_type: string }[]>
  const records = Object.values(export4488).flat()
  const values = (type: string) =>
    records.filter((r) => r.ioc_type === type).map((r) => r.ioc_value)
  const query =
    '// ThreatFox export: every URL, domain and ip:port indicator\n' +
    `let urls = ${kqlDynamicStrings(values('url'))};\n` +
    `let domains = ${kqlDynamicStrings(values('domain'))};\n` +
    `let endpoints = ${kqlDynamicStrings(values('ip:port'))};\n` +
    'union\n' +
    '  (DeviceNetworkEvents | where RemoteUrl in~ (urls) or strcat(RemoteIP, ":", RemotePort) in (endpoints)),\n' +
    '  (_Im_Dns(domain_has_any=domains) | extend RemoteUrl = DnsQuery)\n' +
    '| project TimeGenerated, RemoteUrl'

  assert.equal(values('url').length, 408)
  assert.deepEqual(validator.validate(query), [])
})

test('shared returns one instance', () => {
  assert.equal(KqlValidator.shared(), validator)
})

test('validator uses a custom catalog', () => {
  const catalog = SchemaCatalog.fromJson(
    {
      ASimNetworkSessionLogs: [['DstIpAddr', 'string']],
      Proxy_CL: [
        ['TimeGenerated', 'datetime'],
        ['Url_s', 'string'],
      ],
    },
    'inline',
  )
  const custom = new KqlValidator(catalog)

  assert.deepEqual(custom.validate('Proxy_CL | where Url_s has "gate.php"'), [])
  assert.deepEqual(custom.validate('DeviceNetworkEvents | take 1'), [
    error(
      "The name 'DeviceNetworkEvents' does not refer to any known table, tabular variable or function.",
      1,
      1,
      0,
      19,
    ),
  ])
})

test('validator needs the network session table', () => {
  const catalog = SchemaCatalog.fromJson(
    { Syslog: [['SyslogMessage', 'string']] },
    'inline',
  )

  assert.throws(() => new KqlValidator(catalog), UnknownTableError)
})

test('function result columns are unique', () => {
  for (const definition of sentinelFunctions(sentinelCatalog())) {
    const names = definition.columns.map((c) => c.name)
    assert.equal(new Set(names).size, names.length, definition.name)
  }
})

test('assertValidKql passes valid query', () => {
  assert.doesNotThrow(() =>
    assertValidKql('DeviceNetworkEvents | where RemotePort == 8888', 'ok.kql'),
  )
})

test('assertValidKql lists each problem', () => {
  const query =
    'DeviceNetworkEvents\n| where RemoteIp == "94.26.90.55"\n| where RemotePort =='

  assert.throws(
    () => assertValidKql(query, 'dcrat/DeviceNetworkEvents-ip-port.kql'),
    (thrown: unknown) => {
      assert.ok(thrown instanceof KqlValidationError)
      assert.equal(thrown.label, 'dcrat/DeviceNetworkEvents-ip-port.kql')
      assert.equal(thrown.diagnostics.length, 2)
      assert.equal(
        thrown.message,
        'dcrat/DeviceNetworkEvents-ip-port.kql: the KQL query has 2 problems:\n' +
          `  2:9: error: ${UNKNOWN_NAME('RemoteIp')} ["RemoteIp"]\n` +
          '  3:22: error: Missing expression [at end of line]\n' +
          'Correct the query, or the renderer or hunt definition that produced it.',
      )
      return true
    },
  )
})

test('assertValidKql fails on warnings', () => {
  assert.throws(
    () => assertValidKql('union isfuzzy=true Nope, Syslog', 'fuzzy.kql'),
    {
      name: 'KqlValidationError',
      message:
        'fuzzy.kql: the KQL query has 1 problem:\n' +
        '  1:20: warning: The fuzzy name \'Nope\' does not refer to any known or currently accessible table. ["Nope"]\n' +
        'Correct the query, or the renderer or hunt definition that produced it.',
    },
  )
})

test('assertValidKql quotes text after a gap', () => {
  assert.throws(
    () =>
      assertValidKql(
        'DeviceNetworkEvents\n| project RemoteIP,, RemotePort',
        'gap.kql',
      ),
    {
      message:
        'gap.kql: the KQL query has 2 problems:\n' +
        '  2:20: error: Missing expression [before ", RemotePort"]\n' +
        '  2:20: error: The incomplete fragment is unexpected. [","]\n' +
        'Correct the query, or the renderer or hunt definition that produced it.',
    },
  )
})
