import {
  ALERT_RULE_TYPE,
  DEPLOYMENT_TEMPLATE_SCHEMA,
  SAVED_SEARCH_TYPE,
  WATCHLIST_TYPE,
  type ArmResource,
} from './arm-template.ts'

const ISO_DURATION = /^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?)?$/

// Properties each resource type needs, from the Sentinel and Log Analytics
// template references (Microsoft.SecurityInsights/alertRules,
// Microsoft.SecurityInsights/watchlists,
// Microsoft.OperationalInsights/workspaces/savedSearches).
const REQUIRED_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  [ALERT_RULE_TYPE]: [
    'displayName',
    'enabled',
    'query',
    'queryFrequency',
    'queryPeriod',
    'severity',
    'suppressionDuration',
    'suppressionEnabled',
    'triggerOperator',
    'triggerThreshold',
  ],
  [SAVED_SEARCH_TYPE]: ['category', 'displayName', 'query'],
  [WATCHLIST_TYPE]: ['displayName', 'provider', 'source', 'itemsSearchKey'],
}

/**
 * Returns every way a parsed deployment template breaks the shape huntpack
 * promises, or an empty list: the schema and content version, declared
 * parameters, each resource's type, API version, name and required
 * properties, ISO 8601 durations on alert rules, every `parameters('x')`
 * naming a declared parameter, and every `dependsOn` naming a resource of
 * the same template.
 */
export function armTemplateProblems(template: unknown): string[] {
  const problems: string[] = []
  if (typeof template !== 'object' || template === null)
    return ['the template is not an object']
  const { $schema, contentVersion, parameters, resources } = template as Record<
    string,
    unknown
  >
  if ($schema !== DEPLOYMENT_TEMPLATE_SCHEMA)
    problems.push(`$schema is ${String($schema)}`)
  if (typeof contentVersion !== 'string')
    problems.push('contentVersion is missing')
  if (typeof parameters !== 'object' || parameters === null) {
    problems.push('parameters is missing')
  }
  if (!Array.isArray(resources))
    return [...problems, 'resources is not an array']

  const declared = new Set(Object.keys((parameters as object | null) ?? {}))
  for (const name of parameterReferences(template)) {
    if (!declared.has(name))
      problems.push(`parameters('${name}') is not declared`)
  }

  const ids = new Set(
    resources.map((resource) => resourceIdOf(resource as ArmResource)),
  )
  resources.forEach((resource, index) => {
    problems.push(...resourceProblems(resource as ArmResource, index, ids))
  })
  return problems
}

function resourceProblems(
  resource: ArmResource,
  index: number,
  ids: Set<string>,
): string[] {
  const where = `resources[${index}]`
  const problems: string[] = []
  for (const key of ['type', 'apiVersion', 'name'] as const) {
    if (typeof resource[key] !== 'string' || resource[key] === '')
      problems.push(`${where}.${key} is missing`)
  }
  const required = REQUIRED_PROPERTIES[resource.type]
  if (!required)
    return [
      ...problems,
      `${where}.type ${resource.type} is not a type huntpack writes`,
    ]
  for (const key of required) {
    if (resource.properties?.[key] === undefined)
      problems.push(`${where}.properties.${key} is missing`)
  }
  if (resource.type === ALERT_RULE_TYPE) {
    if (resource.kind !== 'Scheduled')
      problems.push(`${where}.kind is not Scheduled`)
    for (const key of [
      'queryFrequency',
      'queryPeriod',
      'suppressionDuration',
    ]) {
      const value = resource.properties?.[key]
      if (typeof value !== 'string' || !ISO_DURATION.test(value)) {
        problems.push(
          `${where}.properties.${key} ${String(value)} is not an ISO 8601 duration`,
        )
      }
    }
  }
  for (const dependency of resource.dependsOn ?? []) {
    if (!ids.has(dependency))
      problems.push(`${where}.dependsOn ${dependency} is not in the template`)
  }
  return problems
}

// The resourceId() expression that names a resource, in the form dependsOn uses.
function resourceIdOf(resource: ArmResource): string {
  const match =
    /^\[concat\(parameters\('workspace'\), '\/Microsoft\.SecurityInsights\/', '([^']+)'\)\]$/.exec(
      resource.name,
    )
  if (!match) return resource.name
  return `[resourceId('${resource.type}', parameters('workspace'), 'Microsoft.SecurityInsights', '${match[1]}')]`
}

function parameterReferences(value: unknown): Set<string> {
  const names = new Set<string>()
  const visit = (node: unknown) => {
    if (typeof node === 'string') {
      // Only expressions: strings in [ ... ] that do not start with [[.
      if (
        node.startsWith('[') &&
        !node.startsWith('[[') &&
        node.endsWith(']')
      ) {
        for (const match of node.matchAll(/parameters\('([^']+)'\)/g))
          names.add(match[1]!)
      }
    } else if (Array.isArray(node)) {
      node.forEach(visit)
    } else if (typeof node === 'object' && node !== null) {
      Object.values(node).forEach(visit)
    }
  }
  visit(value)
  return names
}
