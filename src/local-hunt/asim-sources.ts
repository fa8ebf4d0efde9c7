/**
 * ASIM parser functions as local sources. Each `_Im_*` call reads the native
 * ASIM table and applies its filtering parameters the way the Microsoft
 * Sentinel native parsers do (Azure/Azure-Sentinel, the vimNetworkSessionNative,
 * vimDnsNative and vimWebSessionNative parsers): time window on TimeGenerated,
 * IPv4 prefix lists through has_any_ipv4_prefix(), and `*` meaning "any".
 */
import { ExpressionTranslator } from './kql-expression-translator.ts'
import { hasAnyPattern, ipv4PrefixPattern } from './kql-term-match.ts'
import {
  child,
  kindName,
  listElements,
  type SyntaxNode,
} from './kusto-syntax.ts'
import { sqlIdentifier, sqlString } from './sql-literal.ts'
import {
  findColumn,
  stringSql,
  type Column,
  type Relation,
  type SqlExpression,
} from './sql-relation.ts'
import type {
  ProbeOperator,
  TranslationContext,
} from './translation-context.ts'

type ParameterKind = 'datetime' | 'list' | 'string' | 'int' | 'bool'

interface AsimFunction {
  table: string
  parameters: Record<string, ParameterKind>
  /** Parameters that the native parser ignores unless left at their default. */
  unsupported?: string[]
  build(arguments_: AsimArguments, builder: AsimSourceBuilder): void
}

/** Argument values of one `_Im_*` call, by parameter name. */
class AsimArguments {
  constructor(private readonly values: Map<string, SqlExpression>) {}

  sql(name: string): string | undefined {
    const value = this.values.get(name)
    if (!value || value.constant?.value === null) return undefined
    return value.sql
  }

  list(name: string): string[] {
    const value = this.values.get(name)?.constant?.value
    if (!Array.isArray(value)) return []
    return value.filter((v) => v !== null).map(String)
  }

  string(name: string, fallback: string): string {
    const value = this.values.get(name)?.constant?.value
    return typeof value === 'string' ? value : fallback
  }

  bool(name: string): boolean {
    return this.values.get(name)?.constant?.value === true
  }
}

/** Collects filters, computed columns and probes for one ASIM source. */
class AsimSourceBuilder {
  readonly filters: string[] = []
  readonly extensions: Array<{
    name: string
    sql: string
    type: Column['type']
  }> = []
  readonly postFilters: string[] = []
  readonly probes: Array<{
    operator: ProbeOperator
    field: string
    values: string[]
  }> = []

  column(name: string): string {
    return sqlIdentifier(name)
  }

  text(name: string): string {
    return stringSql({ sql: sqlIdentifier(name), type: 'string' })
  }

  hasAny(field: string, values: string[]): string {
    const pattern = hasAnyPattern(values)
    return pattern
      ? `regexp_matches(${this.text(field)}, ${sqlString(pattern)})`
      : 'FALSE'
  }

  ipv4Prefix(field: string, prefixes: string[]): string {
    const pattern = ipv4PrefixPattern(prefixes)
    return pattern
      ? `regexp_matches(${this.text(field)}, ${sqlString(pattern)})`
      : 'FALSE'
  }

  timeWindow(arguments_: AsimArguments): void {
    const start = arguments_.sql('starttime')
    const end = arguments_.sql('endtime')
    if (start) this.filters.push(`("TimeGenerated" >= ${start})`)
    if (end) this.filters.push(`("TimeGenerated" <= ${end})`)
    if (arguments_.bool('disabled')) this.filters.push('FALSE')
  }

  /** Adds ASimMatchingIpAddr and keeps rows whose source or destination matched. */
  matchingIpAddr(
    source: string[],
    destination: string[],
    active: boolean,
  ): void {
    const sourceMatch = source.length
      ? this.ipv4Prefix('SrcIpAddr', source)
      : 'FALSE'
    const destinationMatch = destination.length
      ? this.ipv4Prefix('DstIpAddr', destination)
      : 'FALSE'
    const sql = active
      ? `(CASE WHEN ${sourceMatch} AND ${destinationMatch} THEN 'Both' ` +
        `WHEN ${sourceMatch} THEN 'SrcIpAddr' WHEN ${destinationMatch} THEN 'DstIpAddr' ` +
        `ELSE 'No match' END)`
      : `'-'`
    this.extensions.push({ name: 'ASimMatchingIpAddr', sql, type: 'string' })
    if (!active) return
    this.postFilters.push(`("ASimMatchingIpAddr" <> 'No match')`)
    if (source.length) {
      this.probes.push({
        operator: 'has_any_ipv4_prefix',
        field: 'SrcIpAddr',
        values: source,
      })
    }
    if (destination.length) {
      this.probes.push({
        operator: 'has_any_ipv4_prefix',
        field: 'DstIpAddr',
        values: destination,
      })
    }
  }
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])]

const ASIM_FUNCTIONS: Record<string, AsimFunction> = {
  _Im_NetworkSession: {
    table: 'ASimNetworkSessionLogs',
    parameters: {
      starttime: 'datetime',
      endtime: 'datetime',
      srcipaddr_has_any_prefix: 'list',
      dstipaddr_has_any_prefix: 'list',
      ipaddr_has_any_prefix: 'list',
      dstportnumber: 'int',
      hostname_has_any: 'list',
      dvcaction: 'list',
      eventresult: 'string',
      disabled: 'bool',
      pack: 'bool',
    },
    build(args, b) {
      b.timeWindow(args)
      const port = args.sql('dstportnumber')
      if (port) b.filters.push(`("DstPortNumber" = ${port})`)
      const actions = args.list('dvcaction')
      if (actions.length) {
        b.filters.push(
          `(${b.text('DvcAction')} IN (${actions.map(sqlString).join(', ')}))`,
        )
      }
      const result = args.string('eventresult', '*')
      if (result !== '*')
        b.filters.push(`(${b.text('EventResult')} = ${sqlString(result)})`)
      const any = args.list('ipaddr_has_any_prefix')
      const source = union(args.list('srcipaddr_has_any_prefix'), any)
      const destination = union(args.list('dstipaddr_has_any_prefix'), any)
      b.matchingIpAddr(
        source,
        destination,
        source.length > 0 || destination.length > 0,
      )
      const hostnames = args.list('hostname_has_any')
      const hostnameSql = hostnames.length
        ? `(CASE WHEN ${b.hasAny('SrcHostname', hostnames)} THEN 'SrcHostname' ` +
          `WHEN ${b.hasAny('DstHostname', hostnames)} THEN 'DstHostname' ELSE 'No match' END)`
        : `''`
      b.extensions.push({
        name: 'ASimMatchingHostname',
        sql: hostnameSql,
        type: 'string',
      })
      if (hostnames.length) {
        b.postFilters.push(`("ASimMatchingHostname" <> 'No match')`)
        b.probes.push({
          operator: 'has_any',
          field: 'SrcHostname',
          values: hostnames,
        })
        b.probes.push({
          operator: 'has_any',
          field: 'DstHostname',
          values: hostnames,
        })
      }
      b.extensions.push(
        { name: 'EventSchema', sql: `'NetworkSession'`, type: 'string' },
        {
          name: 'Src',
          sql: 'coalesce("SrcFQDN", "SrcHostname", "SrcIpAddr", "SrcDvcId")',
          type: 'string',
        },
        {
          name: 'Dst',
          sql: 'coalesce("DstFQDN", "DstHostname", "DstIpAddr", "DstDvcId")',
          type: 'string',
        },
        {
          name: 'Hostname',
          sql: `(CASE WHEN "EventType" = 'EndpointNetworkSession' AND "NetworkDirection" = 'Inbound' THEN "SrcHostname" ELSE "DstHostname" END)`,
          type: 'string',
        },
        {
          name: 'IpAddr',
          sql: `(CASE WHEN "EventType" = 'EndpointNetworkSession' AND "NetworkDirection" = 'Inbound' THEN "DstIpAddr" ELSE "SrcIpAddr" END)`,
          type: 'string',
        },
      )
    },
  },
  _Im_Dns: {
    table: 'ASimDnsActivityLogs',
    parameters: {
      starttime: 'datetime',
      endtime: 'datetime',
      srcipaddr: 'string',
      domain_has_any: 'list',
      responsecodename: 'string',
      response_has_ipv4: 'string',
      response_has_any_prefix: 'list',
      eventtype: 'string',
      disabled: 'bool',
    },
    unsupported: ['response_has_ipv4', 'response_has_any_prefix'],
    build(args, b) {
      b.timeWindow(args)
      const source = args.string('srcipaddr', '*')
      if (source !== '*')
        b.filters.push(`(${b.text('SrcIpAddr')} = ${sqlString(source)})`)
      const domains = args.list('domain_has_any')
      if (domains.length) {
        b.filters.push(b.hasAny('DnsQuery', domains))
        b.probes.push({
          operator: 'has_any',
          field: 'DnsQuery',
          values: domains,
        })
      }
      const code = args.string('responsecodename', '*')
      if (code !== '*')
        b.filters.push(`(${b.text('EventResultDetails')} = ${sqlString(code)})`)
      const eventType = args.string('eventtype', 'Query')
      if (eventType === 'lookup') {
        b.filters.push(`(${b.text('EventType')} IN ('lookup', 'Query'))`)
      } else if (eventType !== '*') {
        b.filters.push(`(${b.text('EventType')} = ${sqlString(eventType)})`)
      }
      b.extensions.push(
        { name: 'EventSchema', sql: `'Dns'`, type: 'string' },
        { name: 'Domain', sql: '"DnsQuery"', type: 'string' },
        { name: 'IpAddr', sql: '"SrcIpAddr"', type: 'string' },
        { name: 'Src', sql: '"SrcIpAddr"', type: 'string' },
      )
    },
  },
  _Im_WebSession: {
    table: 'ASimWebSessionLogs',
    parameters: {
      starttime: 'datetime',
      endtime: 'datetime',
      srcipaddr_has_any_prefix: 'list',
      ipaddr_has_any_prefix: 'list',
      url_has_any: 'list',
      httpuseragent_has_any: 'list',
      eventresultdetails_in: 'list',
      eventresult: 'string',
      disabled: 'bool',
      pack: 'bool',
    },
    build(args, b) {
      b.timeWindow(args)
      const urls = args.list('url_has_any')
      if (urls.length) {
        b.filters.push(b.hasAny('Url', urls))
        b.probes.push({ operator: 'has_any', field: 'Url', values: urls })
      }
      const agents = args.list('httpuseragent_has_any')
      if (agents.length) b.filters.push(b.hasAny('HttpUserAgent', agents))
      const details = args.list('eventresultdetails_in')
      if (details.length)
        b.filters.push(b.hasAny('EventResultDetails', details))
      const result = args.string('eventresult', '*')
      if (result !== '*') {
        b.filters.push(
          `(lower(${b.text('EventResult')}) = lower(${sqlString(result)}))`,
        )
      }
      // The native parser checks the destination only against
      // ipaddr_has_any_prefix, and only when the source list is non-empty.
      const any = args.list('ipaddr_has_any_prefix')
      const source = union(args.list('srcipaddr_has_any_prefix'), any)
      b.matchingIpAddr(source, any, source.length > 0)
      b.extensions.push({
        name: 'EventSchema',
        sql: `'WebSession'`,
        type: 'string',
      })
    },
  },
}

/** Returns true when `name` is an ASIM function the local engine can read. */
export function isAsimFunction(name: string): boolean {
  return Object.hasOwn(ASIM_FUNCTIONS, name)
}

function readArguments(
  call: SyntaxNode,
  name: string,
  spec: AsimFunction,
  context: TranslationContext,
  scalar: ExpressionTranslator,
): AsimArguments {
  const parameterNames = Object.keys(spec.parameters)
  const values = new Map<string, SqlExpression>()
  const args = listElements(child(child(call, 'ArgumentList')!, 'Expressions'))
  args.forEach((arg, index) => {
    let parameter = parameterNames[index]
    let valueNode = arg
    if (kindName(arg) === 'SimpleNamedExpression') {
      parameter = (child(arg, 'Name') as unknown as { SimpleName: string })
        .SimpleName
      valueNode = child(arg, 'Expression')!
    }
    const kind = parameter ? spec.parameters[parameter] : undefined
    if (!parameter || !kind) {
      context.fail(
        `${name}() has no parameter ${parameter ?? `number ${index + 1}`}; ` +
          `use one of ${parameterNames.join(', ')}`,
        arg,
      )
    }
    const value = scalar.translate(valueNode)
    const constant = value.constant?.value
    if (kind === 'list' && constant !== null && !Array.isArray(constant)) {
      context.fail(`${name}(${parameter}=...) takes a dynamic list`, valueNode)
    }
    if ((kind === 'string' || kind === 'bool') && constant === undefined) {
      context.fail(`${name}(${parameter}=...) takes a constant`, valueNode)
    }
    if (spec.unsupported?.includes(parameter)) {
      context.unsupported(`${name}() parameter ${parameter}`, arg)
    }
    values.set(parameter, value)
  })
  return new AsimArguments(values)
}

/**
 * Translates an `_Im_*` call to a relation over its native ASIM table. The
 * table relation comes from `tableRelation`, so row identity and catalog
 * columns are handled like any other table source.
 */
export function translateAsimSource(
  call: SyntaxNode,
  context: TranslationContext,
  scalar: ExpressionTranslator,
  tableRelation: (table: string) => Relation,
): Relation {
  const name = ExpressionTranslator.functionName(call)
  const spec = ASIM_FUNCTIONS[name]!
  const args = readArguments(call, name, spec, context, scalar)
  const builder = new AsimSourceBuilder()
  spec.build(args, builder)

  let relation = tableRelation(spec.table)
  if (builder.filters.length) {
    relation = {
      ...relation,
      sql: `SELECT * FROM (${relation.sql}) WHERE ${builder.filters.join(' AND ')}`,
    }
  }
  for (const extension of builder.extensions) {
    const name = sqlIdentifier(extension.name)
    // Some native tables already have an alias column such as Src.
    const existing = findColumn(relation, extension.name)
    relation = {
      ...relation,
      sql: existing
        ? `SELECT * REPLACE (${extension.sql} AS ${name}) FROM (${relation.sql})`
        : `SELECT *, ${extension.sql} AS ${name} FROM (${relation.sql})`,
      columns: existing
        ? relation.columns
        : [...relation.columns, { name: extension.name, type: extension.type }],
    }
  }
  if (builder.postFilters.length) {
    relation = {
      ...relation,
      sql: `SELECT * FROM (${relation.sql}) WHERE ${builder.postFilters.join(' AND ')}`,
    }
  }
  const probeItems: string[] = []
  const probeColumns: string[] = []
  for (const probe of builder.probes) {
    const column = context.nextProbeColumn()
    context.probes.push({
      column,
      operator: probe.operator,
      values: probe.values,
      field: probe.field,
      position: context.position(call),
    })
    const value = stringSql({ sql: sqlIdentifier(probe.field), type: 'string' })
    probeItems.push(`${value} AS ${sqlIdentifier(column)}`)
    probeColumns.push(column)
  }
  if (probeItems.length) {
    relation = {
      ...relation,
      sql: `SELECT *, ${probeItems.join(', ')} FROM (${relation.sql})`,
      hidden: [...relation.hidden, ...probeColumns],
    }
  }
  return relation
}
