import type { AttackTactic } from './attack-mapping.ts'
import { formatIsoDuration, parseRuleDuration } from './rule-duration.ts'
import type { ScheduledRule } from './scheduled-rule-schema.ts'

/*
 * ARM templates for Microsoft Sentinel content, in the form Sentinel's
 * repository connections deploy (Microsoft Learn, "Manage content as code
 * with Microsoft Sentinel repositories", and the samples in
 * github.com/SentinelCICD/RepositoriesSampleContent):
 * - analytics rules as `Microsoft.OperationalInsights/workspaces/providers/alertRules`
 *   named `<workspace>/Microsoft.SecurityInsights/<rule id>`,
 * - hunting queries as `Microsoft.OperationalInsights/workspaces/savedSearches`
 *   with category "Hunting Queries" and `tactics` / `techniques` tags,
 * - a `workspace` parameter, which the repositories deployment script fills
 *   in with the connected workspace's name.
 * API versions: Microsoft.SecurityInsights 2023-02-01, a stable version
 * whose scheduled rules take `techniques` and whose watchlists take
 * `rawContent` (Azure/bicep-types-az, generated/securityinsights/
 * microsoft.securityinsights/2023-02-01/types.md), and
 * Microsoft.OperationalInsights savedSearches 2020-08-01, the version of
 * Sentinel's hunting query template reference.
 */

export const DEPLOYMENT_TEMPLATE_SCHEMA =
  'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'
export const DEPLOYMENT_PARAMETERS_SCHEMA =
  'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#'
export const SECURITY_INSIGHTS_API_VERSION = '2023-02-01'
export const SAVED_SEARCHES_API_VERSION = '2020-08-01'

export const ALERT_RULE_TYPE =
  'Microsoft.OperationalInsights/workspaces/providers/alertRules'
export const SAVED_SEARCH_TYPE =
  'Microsoft.OperationalInsights/workspaces/savedSearches'
export const WATCHLIST_TYPE =
  'Microsoft.OperationalInsights/workspaces/providers/watchlists'

/**
 * Largest template Azure Resource Manager deploys: 4 MB ("Template limits",
 * Azure Resource Manager documentation).
 */
export const MAX_TEMPLATE_BYTES = 4 * 1024 * 1024

const TRIGGER_OPERATORS = {
  gt: 'GreaterThan',
  lt: 'LessThan',
  eq: 'Equal',
  ne: 'NotEqual',
} as const

/** A parameter of a deployment template. */
export interface ArmParameter {
  type: 'string' | 'bool' | 'int'
  defaultValue?: string | boolean | number
  metadata?: { description: string }
}

/** One resource of a deployment template. */
export interface ArmResource {
  type: string
  apiVersion: string
  name: string
  kind?: string
  dependsOn?: string[]
  properties: Record<string, unknown>
}

/** A deployment template (schema 2019-04-01). */
export interface ArmTemplate {
  $schema: string
  contentVersion: string
  parameters: Record<string, ArmParameter>
  resources: ArmResource[]
}

/** A hunting query as a saved search. */
export interface HuntingQueryResource {
  /** Saved search name, a GUID. */
  id: string
  displayName: string
  description: string
  query: string
  tactics: readonly AttackTactic[]
  techniques: readonly string[]
}

/** A watchlist resource with its CSV content. */
export interface WatchlistResource {
  alias: string
  displayName: string
  description: string
  searchKey: string
  csv: string
}

/** Parameters every huntpack template declares. */
export const TEMPLATE_PARAMETERS: Record<string, ArmParameter> = {
  workspace: {
    type: 'string',
    metadata: {
      description:
        'Name of the Log Analytics workspace that has Microsoft Sentinel',
    },
  },
  rulesEnabled: {
    type: 'bool',
    defaultValue: true,
    metadata: {
      description: 'Whether the analytics rules run after deployment',
    },
  },
}

/**
 * Escapes a literal string for a template: ARM reads a string that starts
 * with `[` and ends with `]` as an expression, and `[[` at the start as a
 * literal `[` ("Template syntax and expressions", Azure Resource Manager).
 */
export function armLiteral(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? `[${text}` : text
}

function workspaceChildName(childName: string): string {
  return `[concat(parameters('workspace'), '/Microsoft.SecurityInsights/', '${childName}')]`
}

/** Returns the `resourceId()` expression of a family watchlist, for `dependsOn`. */
export function watchlistResourceId(alias: string): string {
  return `[resourceId('${WATCHLIST_TYPE}', parameters('workspace'), 'Microsoft.SecurityInsights', '${alias}')]`
}

/**
 * Returns a scheduled rule as an alert rule resource. Durations become ISO
 * 8601 (`1h` becomes `PT1H`), `gt` becomes `GreaterThan`, and each alert
 * opens an incident.
 */
export function alertRuleResource(
  rule: ScheduledRule,
  dependsOn: string[] = [],
): ArmResource {
  const properties: Record<string, unknown> = {
    displayName: armLiteral(rule.name),
    description: armLiteral(rule.description),
    severity: rule.severity,
    enabled: "[parameters('rulesEnabled')]",
    query: armLiteral(rule.query),
    queryFrequency: formatIsoDuration(parseRuleDuration(rule.queryFrequency)),
    queryPeriod: formatIsoDuration(parseRuleDuration(rule.queryPeriod)),
    triggerOperator: TRIGGER_OPERATORS[rule.triggerOperator],
    triggerThreshold: rule.triggerThreshold,
    suppressionDuration: 'PT1H',
    suppressionEnabled: false,
    tactics: rule.tactics,
    techniques: rule.relevantTechniques,
    entityMappings: rule.entityMappings,
    customDetails: rule.customDetails ?? {},
    eventGroupingSettings: { aggregationKind: 'SingleAlert' },
    incidentConfiguration: {
      createIncident: true,
      groupingConfiguration: {
        enabled: false,
        reopenClosedIncident: false,
        lookbackDuration: 'PT5H',
        matchingMethod: 'AllEntities',
        groupByEntities: [],
        groupByAlertDetails: [],
        groupByCustomDetails: [],
      },
    },
  }
  return {
    type: ALERT_RULE_TYPE,
    apiVersion: SECURITY_INSIGHTS_API_VERSION,
    name: workspaceChildName(rule.id),
    kind: 'Scheduled',
    ...(dependsOn.length > 0 ? { dependsOn } : {}),
    properties,
  }
}

/**
 * Returns a hunting query as a saved search. Sentinel lists saved searches
 * of category "Hunting Queries" on its Hunting page and reads the
 * `description`, `tactics` and `techniques` tags (comma-separated values).
 */
// NOTE: the SentinelCICD sample names the techniques tag
// `relevantTechniques`; huntpack writes `techniques`, as the saved searches
// of Content hub solutions do. Check the Hunting page after a first deployment.
export function savedSearchResource(query: HuntingQueryResource): ArmResource {
  const tags = [{ name: 'description', value: armLiteral(query.description) }]
  if (query.tactics.length > 0)
    tags.push({ name: 'tactics', value: query.tactics.join(',') })
  if (query.techniques.length > 0) {
    tags.push({ name: 'techniques', value: query.techniques.join(',') })
  }
  return {
    type: SAVED_SEARCH_TYPE,
    apiVersion: SAVED_SEARCHES_API_VERSION,
    name: `[concat(parameters('workspace'), '/${query.id}')]`,
    properties: {
      category: 'Hunting Queries',
      displayName: armLiteral(query.displayName),
      query: armLiteral(query.query),
      version: 2,
      tags,
    },
  }
}

// NOTE: Microsoft does not document what deploying `rawContent` does to a
// watchlist that already has items. Delete the watchlist before
// redeploying, so that removed indicators are surely gone.
/** Returns a watchlist resource whose items are the CSV text. */
export function watchlistResource(watchlist: WatchlistResource): ArmResource {
  return {
    type: WATCHLIST_TYPE,
    apiVersion: SECURITY_INSIGHTS_API_VERSION,
    name: workspaceChildName(watchlist.alias),
    properties: {
      displayName: armLiteral(watchlist.displayName),
      description: armLiteral(watchlist.description),
      provider: 'huntpack',
      source: 'Local file',
      itemsSearchKey: watchlist.searchKey,
      contentType: 'text/csv',
      numberOfLinesToSkip: 0,
      rawContent: armLiteral(watchlist.csv),
    },
  }
}

/** Returns a template of the given resources with the huntpack parameters. */
export function armTemplate(resources: ArmResource[]): ArmTemplate {
  return {
    $schema: DEPLOYMENT_TEMPLATE_SCHEMA,
    contentVersion: '1.0.0.0',
    parameters: structuredClone(TEMPLATE_PARAMETERS),
    resources,
  }
}

/** Raised when a template breaks an Azure Resource Manager rule. */
export class ArmTemplateError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ArmTemplateError'
  }
}

/**
 * Writes a template as JSON with two-space indents and a final newline.
 *
 * @throws ArmTemplateError when the text is larger than {@link MAX_TEMPLATE_BYTES}.
 */
export function armTemplateJson(template: ArmTemplate, file: string): string {
  const text = `${JSON.stringify(template, null, 2)}\n`
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_TEMPLATE_BYTES) {
    throw new ArmTemplateError(
      `${file} has ${bytes} bytes; Azure Resource Manager deploys templates up to ${MAX_TEMPLATE_BYTES} bytes. ` +
        'Deploy the rules one file at a time (--layout sentinel-repo) or use the watchlist variant',
    )
  }
  return text
}

/**
 * Returns a parameter file for a template, with a value for each parameter
 * named in `values` (the `workspace` parameter is left to the deployment).
 */
export function armParametersJson(
  values: Record<string, string | boolean | number>,
): string {
  const parameters = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, { value }]),
  )
  return `${JSON.stringify(
    {
      $schema: DEPLOYMENT_PARAMETERS_SCHEMA,
      contentVersion: '1.0.0.0',
      parameters,
    },
    null,
    2,
  )}\n`
}
