import type { Indicator } from '../../indicators/indicator.ts'
import { endpointText } from '../../hunts/indicator-forms.ts'
import type {
  NetworkEndpoint,
  TableProfile,
} from '../../hunts/table-profile.ts'
import { kqlString } from './kql-literal.ts'
import { ipColumnTest, ipLists, ipParserArguments } from './render-ip-match.ts'
import {
  anyOf,
  caseOf,
  distinct,
  inAnyList,
  letDynamic,
  type MatchQuery,
} from './render-match.ts'

const ENDPOINT_LIST = 'ioc_endpoints'
const ENDPOINT_OTHER_FORMS_LIST = 'ioc_endpoints_other_forms'

/** Values of `MatchStrength`: the address and port matched, or the address alone. */
export const MATCH_STRENGTH_IP_PORT = 'ip:port'
export const MATCH_STRENGTH_IP_ONLY = 'ip only'

/**
 * Renders an `ip-port` hunt. A row is kept when the address on any side of
 * the connection is an indicator address. `PortMatched` is true when that
 * side's port is the indicator's port as well. Rows where only the address
 * matches stay in the result as the weaker match, because C2 servers often
 * listen on several ports. `MatchedIndicator` is the matching `address:port`,
 * or the address alone for an IP-only match.
 */
export function renderIpPortMatch(
  profile: TableProfile,
  indicators: readonly Indicator[],
): MatchQuery {
  const ips = ipLists(profile, indicators)
  const endpointLists = endpointListLets(indicators, ips.forms)
  const endpoints = profile.endpoints
  const prefilter = endpoints.map((side) =>
    ipColumnTest(side.ipColumn, ips.names),
  )

  return {
    lets: [...ips.lets, ...endpointLists.lets],
    parserArguments: ipParserArguments(profile, indicators),
    stages: [
      `where ${anyOf(prefilter)}`,
      ...sideStages(endpoints, ips.names, endpointLists.names),
      ...resultStages(endpoints),
    ],
    outputColumns: [
      'MatchedIndicator',
      'MatchedColumn',
      'PortMatched',
      'MatchStrength',
    ],
  }
}

// Per side: whether the address matched, its `address:port`, and whether
// that endpoint matched.
function sideStages(
  endpoints: readonly NetworkEndpoint[],
  ipListNames: readonly string[],
  endpointListNames: readonly string[],
): string[] {
  const ipMatched = endpoints.map(
    (side) =>
      `extend ${side.alias}IpMatched = ${ipColumnTest(side.ipColumn, ipListNames)}`,
  )
  const endpoint = endpoints.map(
    (side) => `extend ${side.alias}Endpoint = ${endpointExpression(side)}`,
  )
  const portMatched = endpoints.map((side) => {
    const test = inAnyList(`${side.alias}Endpoint`, endpointListNames, 'in')
    return `extend ${side.alias}PortMatched = ${test}`
  })
  return [...ipMatched, ...endpoint, ...portMatched]
}

function resultStages(endpoints: readonly NetworkEndpoint[]): string[] {
  const anyPort = endpoints
    .map((side) => `${side.alias}PortMatched`)
    .join(' or ')
  const strength = `iff(PortMatched, ${kqlString(MATCH_STRENGTH_IP_PORT)}, ${kqlString(MATCH_STRENGTH_IP_ONLY)})`
  return [
    `extend PortMatched = ${anyPort}`,
    `extend MatchedColumn = ${matchedColumnExpression(endpoints)}`,
    `extend MatchedIndicator = ${matchedIndicatorExpression(endpoints)}`,
    `extend MatchStrength = ${strength}`,
  ]
}

function endpointListLets(
  indicators: readonly Indicator[],
  forms: ReturnType<typeof ipLists>['forms'],
): { lets: string[]; names: string[] } {
  const canonical = distinct(
    indicators.map((indicator, i) =>
      endpointText(forms[i].canonical, indicator.port!),
    ),
  )
  const alternates = distinct(
    indicators.flatMap((indicator, i) =>
      forms[i].alternates.map((address) =>
        endpointText(address, indicator.port!),
      ),
    ),
  )

  const lists = {
    lets: [letDynamic(ENDPOINT_LIST, canonical)],
    names: [ENDPOINT_LIST],
  }
  if (alternates.length > 0) {
    lists.lets.push(letDynamic(ENDPOINT_OTHER_FORMS_LIST, alternates))
    lists.names.push(ENDPOINT_OTHER_FORMS_LIST)
  }
  return lists
}

// `address:port` of a side whose address matched and whose port is logged,
// or "" so that the side cannot match a listed endpoint.
function endpointExpression(side: NetworkEndpoint): string {
  const guard = `${side.alias}IpMatched and isnotempty(${side.portColumn})`
  const text = `strcat(${side.ipColumn}, ${kqlString(':')}, tostring(${side.portColumn}))`
  return `iff(${guard}, ${text}, ${kqlString('')})`
}

// Sides where address and port matched come first, then sides where only
// the address matched, in the profile's order. The last side is the
// default, because the `where` stage kept only rows where some side matched.
function matchedColumnExpression(
  endpoints: readonly NetworkEndpoint[],
): string {
  const last = endpoints[endpoints.length - 1]
  if (endpoints.length === 1) return kqlString(last.ipColumn)

  const pairs = [
    ...endpoints.map(
      (side) => [`${side.alias}PortMatched`, kqlString(side.ipColumn)] as const,
    ),
    ...endpoints
      .slice(0, -1)
      .map(
        (side) => [`${side.alias}IpMatched`, kqlString(side.ipColumn)] as const,
      ),
  ]
  return caseOf(pairs, kqlString(last.ipColumn))
}

function matchedIndicatorExpression(
  endpoints: readonly NetworkEndpoint[],
): string {
  const last = endpoints[endpoints.length - 1]
  const pairs = [
    ...endpoints.map(
      (side) => [`${side.alias}PortMatched`, `${side.alias}Endpoint`] as const,
    ),
    ...endpoints
      .slice(0, -1)
      .map((side) => [`${side.alias}IpMatched`, side.ipColumn] as const),
  ]
  return caseOf(pairs, last.ipColumn)
}
