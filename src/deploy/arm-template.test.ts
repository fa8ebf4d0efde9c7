import assert from 'node:assert/strict'
import { test } from 'node:test'

import { armTemplateProblems } from './arm-template-shape.ts'
import {
  alertRuleResource,
  armLiteral,
  armParametersJson,
  armTemplate,
  armTemplateJson,
  ArmTemplateError,
  savedSearchResource,
  watchlistResource,
  watchlistResourceId,
} from './arm-template.ts'
import type { ScheduledRule } from './scheduled-rule-schema.ts'

const rule: ScheduledRule = {
  id: '0b6ad2d4-0f46-5b39-9a2e-8f7c3e1d2a10',
  name: 'huntpack - DCRat: ip:port indicators in CommonSecurityLog',
  description: 'Finds DCRat.',
  severity: 'High',
  requiredDataConnectors: [
    { connectorId: 'CefAma', dataTypes: ['CommonSecurityLog'] },
  ],
  queryFrequency: '1h',
  queryPeriod: '2d',
  triggerOperator: 'gt',
  triggerThreshold: 0,
  tactics: ['CommandAndControl'],
  relevantTechniques: ['T1071'],
  query:
    'let lookback = 2d;\nCommonSecurityLog | where TimeGenerated > ago(lookback)',
  entityMappings: [
    {
      entityType: 'IP',
      fieldMappings: [{ identifier: 'Address', columnName: 'IocIpAddress' }],
    },
  ],
  customDetails: { MalwareFamily: 'MalwareFamily' },
  version: '1.0.0',
  kind: 'Scheduled',
}

const hunting = {
  id: '7e1f0c38-3d76-5c1f-8f0e-9a1b2c3d4e5f',
  displayName: 'huntpack - DCRat: ip:port indicators in CommonSecurityLog',
  description: 'Finds DCRat.',
  query: 'CommonSecurityLog | take 1',
  tactics: ['CommandAndControl'] as const,
  techniques: ['T1071'],
}

test('alertRuleResource converts the rule', () => {
  const resource = alertRuleResource(rule)
  assert.equal(
    resource.type,
    'Microsoft.OperationalInsights/workspaces/providers/alertRules',
  )
  assert.equal(resource.apiVersion, '2023-02-01')
  assert.equal(resource.kind, 'Scheduled')
  assert.equal(
    resource.name,
    "[concat(parameters('workspace'), '/Microsoft.SecurityInsights/', '0b6ad2d4-0f46-5b39-9a2e-8f7c3e1d2a10')]",
  )
  assert.equal(resource.properties.queryFrequency, 'PT1H')
  assert.equal(resource.properties.queryPeriod, 'P2D')
  assert.equal(resource.properties.triggerOperator, 'GreaterThan')
  assert.deepEqual(resource.properties.techniques, ['T1071'])
  assert.equal(resource.properties.enabled, "[parameters('rulesEnabled')]")
})

test('savedSearchResource writes hunting tags', () => {
  const resource = savedSearchResource(hunting)
  assert.equal(
    resource.type,
    'Microsoft.OperationalInsights/workspaces/savedSearches',
  )
  assert.equal(resource.apiVersion, '2020-08-01')
  assert.equal(resource.properties.category, 'Hunting Queries')
  assert.deepEqual(resource.properties.tags, [
    { name: 'description', value: 'Finds DCRat.' },
    { name: 'tactics', value: 'CommandAndControl' },
    { name: 'techniques', value: 'T1071' },
  ])
})

test('template of all kinds has a valid shape', () => {
  const alias = 'huntpack-dcrat'
  const template = armTemplate([
    watchlistResource({
      alias,
      displayName: 'huntpack DCRat',
      description: 'd',
      searchKey: 'IndicatorValue',
      csv: 'a\r\n',
    }),
    alertRuleResource(rule, [watchlistResourceId(alias)]),
    savedSearchResource(hunting),
  ])
  const parsed = JSON.parse(armTemplateJson(template, 'azuredeploy.json'))
  assert.deepEqual(armTemplateProblems(parsed), [])
})

test('shape check finds undeclared parameters', () => {
  const template = armTemplate([alertRuleResource(rule)])
  delete (template.parameters as Record<string, unknown>).rulesEnabled
  assert.deepEqual(armTemplateProblems(template), [
    "parameters('rulesEnabled') is not declared",
  ])
})

test('shape check finds a missing dependency', () => {
  const template = armTemplate([
    alertRuleResource(rule, [watchlistResourceId('huntpack-missing')]),
  ])
  assert.equal(armTemplateProblems(template).length, 1)
  assert.match(
    armTemplateProblems(template)[0]!,
    /dependsOn .*huntpack-missing.* is not in the template/,
  )
})

test('shape check finds bad durations and properties', () => {
  const resource = alertRuleResource(rule)
  resource.properties.queryPeriod = '2d'
  delete resource.properties.query
  const problems = armTemplateProblems(armTemplate([resource]))
  assert.deepEqual(problems, [
    'resources[0].properties.query is missing',
    'resources[0].properties.queryPeriod 2d is not an ISO 8601 duration',
  ])
})

test('shape check finds a bad schema and type', () => {
  const template = {
    ...armTemplate([
      {
        type: 'Microsoft.Web/sites',
        apiVersion: '1',
        name: 'x',
        properties: {},
      },
    ]),
    $schema: 'x',
  }
  assert.deepEqual(armTemplateProblems(template), [
    '$schema is x',
    'resources[0].type Microsoft.Web/sites is not a type huntpack writes',
  ])
})

test('armLiteral escapes expression-like text', () => {
  assert.equal(armLiteral('[Unknown]'), '[[Unknown]')
  assert.equal(armLiteral('[Unknown] family'), '[Unknown] family')
  assert.equal(armLiteral('plain'), 'plain')
})

test('escaped text reads as no expression', () => {
  const template = armTemplate([
    savedSearchResource({ ...hunting, description: "[parameters('secret')]" }),
  ])
  assert.deepEqual(armTemplateProblems(template), [])
})

test('armTemplateJson rejects oversized templates', () => {
  const big = { ...rule, query: 'x'.repeat(5_000_000) }
  assert.throws(
    () =>
      armTemplateJson(
        armTemplate([alertRuleResource(big)]),
        'azuredeploy.json',
      ),
    ArmTemplateError,
  )
})

test('armParametersJson writes values', () => {
  assert.deepEqual(JSON.parse(armParametersJson({ rulesEnabled: false })), {
    $schema:
      'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
    contentVersion: '1.0.0.0',
    parameters: { rulesEnabled: { value: false } },
  })
})
