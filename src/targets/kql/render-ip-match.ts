import type { Indicator } from '../../indicators/indicator.ts'
import { ipForms, type ValueForms } from '../../hunts/indicator-forms.ts'
import type { TableProfile } from '../../hunts/table-profile.ts'
import {
  COLUMN_MATCH_OUTPUT,
  columnMatchStages,
  distinct,
  inAnyList,
  letDynamic,
  type MatchQuery,
} from './render-match.ts'

/** Names of the lists that hold IP addresses in their canonical and other forms. */
export const IP_LIST = 'ioc_ips'
export const IP_OTHER_FORMS_LIST = 'ioc_ips_other_forms'

/** The address lists of an IP hunt, with the `let` statements that define them. */
export interface IpLists {
  lets: string[]
  /** List names to test an IP column against. */
  names: string[]
  /** Forms of each indicator's address, in indicator order. */
  forms: ValueForms[]
}

/**
 * Builds the address lists of an IP hunt. Other forms (IPv4-mapped IPv6 on
 * tables that log it, uncompressed IPv6) go to a second list, so a query
 * compares plain strings and needs no IP function.
 */
export function ipLists(
  profile: TableProfile,
  indicators: readonly Indicator[],
): IpLists {
  const forms = indicators.map((indicator) =>
    ipForms(indicator, profile.logsIpv4MappedIpv6),
  )
  const canonical = distinct(forms.map((form) => form.canonical))
  const alternates = distinct(forms.flatMap((form) => form.alternates))

  const lists: IpLists = {
    lets: [letDynamic(IP_LIST, canonical)],
    names: [IP_LIST],
    forms,
  }
  if (alternates.length > 0) {
    lists.lets.push(letDynamic(IP_OTHER_FORMS_LIST, alternates))
    lists.names.push(IP_OTHER_FORMS_LIST)
  }
  return lists
}

/**
 * Returns the ASIM parser argument that prefilters rows by address, or none
 * when the table is not a parser with that filter, or when the parser reads
 * the list as IPv4 prefixes and a hunt has IPv6 indicators.
 */
export function ipParserArguments(
  profile: TableProfile,
  indicators: readonly Indicator[],
): string[] {
  const filters = profile.parserFilters
  if (filters?.ipAddresses === undefined) return []
  const hasIpv6 = indicators.some((indicator) => indicator.ipVersion === 6)
  if (filters.ipAddressesIpv4Only === true && hasIpv6) return []
  return [`${filters.ipAddresses}=${IP_LIST}`]
}

/** Writes the guarded test that an IP column contains one of the listed addresses. */
export function ipColumnTest(
  column: string,
  listNames: readonly string[],
): string {
  return `isnotempty(${column}) and ${inAnyList(column, listNames, 'in')}`
}

/**
 * Renders an `ip` hunt (addresses without a port): a row matches when any
 * of the table's IP columns, in either direction, contains an indicator address.
 */
export function renderIpMatch(
  profile: TableProfile,
  indicators: readonly Indicator[],
): MatchQuery {
  const lists = ipLists(profile, indicators)
  const tests = profile.endpoints.map((endpoint) => ({
    column: endpoint.ipColumn,
    test: ipColumnTest(endpoint.ipColumn, lists.names),
  }))
  return {
    lets: lists.lets,
    parserArguments: ipParserArguments(profile, indicators),
    stages: columnMatchStages(tests),
    outputColumns: COLUMN_MATCH_OUTPUT,
  }
}
