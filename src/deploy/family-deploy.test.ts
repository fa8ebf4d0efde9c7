import assert from 'node:assert/strict'
import { test } from 'node:test'
import YAML from 'yaml'

import {
  familyWithHunts,
  ipPortIndicators,
  sampleFamily,
} from '../../test/support/deploy-fixtures.ts'
import { kqlString } from '../targets/kql/kql-literal.ts'
import { KqlValidator } from '../validation/kql-validator.ts'
import { armTemplateProblems } from './arm-template-shape.ts'
import { deployIndexEntry, renderDeploySection } from './deploy-summary.ts'
import {
  ARM_TEMPLATE_FILE,
  buildFamilyDeployContent,
  type FamilyDeployContent,
} from './family-deploy.ts'
import {
  MAX_RULE_QUERY_LENGTH,
  scheduledRuleSchema,
} from './scheduled-rule-schema.ts'
import { huntValueLists } from './watchlist.ts'

const validator = KqlValidator.shared()

function kqlProblems(text: string): string[] {
  return validator
    .validate(text)
    .filter((diagnostic) => diagnostic.severity !== 'suggestion')
    .map(
      (diagnostic) =>
        `${diagnostic.line}:${diagnostic.column} ${diagnostic.message}`,
    )
}

// Indicator key -> rule id, for the inline rules of one hunt.
function ruleOfIndicator(
  content: FamilyDeployContent,
  table: string,
): Map<string, string> {
  const edge = edgeFamily.indicators
  const owners = new Map<string, string>()
  for (const file of content.inlineRules.filter(
    (rule) => rule.table === table,
  )) {
    for (const indicator of edge) {
      if (
        file.rule.query.includes(
          kqlString(`${indicator.value}:${indicator.port}`),
        )
      ) {
        owners.set(indicator.key, file.rule.id)
      }
    }
  }
  return owners
}

const edgeFamily = familyWithHunts(
  'Edge Twelve',
  'edge-twelve',
  ipPortIndicators('Edge Twelve', 1_400),
)
const edge = buildFamilyDeployContent(edgeFamily)
const cobalt = await sampleFamily('Cobalt Strike', 'cobalt-strike')
const cobaltContent = buildFamilyDeployContent(cobalt)
const dcrat = await sampleFamily('DCRat', 'dcrat')
const dcratContent = buildFamilyDeployContent(dcrat)

test('1,400 ip:port rules stay under 10,000 characters', () => {
  assert.ok(edge.inlineRules.length > 1)
  for (const file of edge.inlineRules) {
    assert.ok(
      file.rule.query.length <= MAX_RULE_QUERY_LENGTH,
      `${file.path}: ${file.rule.query.length}`,
    )
  }
})

test('1,400 ip:port chunks lose and repeat nothing', () => {
  for (const hunt of edge.hunts) {
    const rules = edge.inlineRules.filter((rule) => rule.table === hunt.table)
    const endpoints = rules.flatMap(
      (rule) => huntValueLists(rule.rule.query).get('ioc_endpoints') ?? [],
    )
    const expected = edgeFamily.indicators.map(
      (indicator) => `${indicator.value}:${indicator.port}`,
    )
    assert.equal(endpoints.length, 1_400, hunt.huntFile)
    assert.deepEqual(new Set(endpoints), new Set(expected), hunt.huntFile)
    assert.equal(
      rules.reduce((sum, rule) => sum + rule.indicators, 0),
      1_400,
      hunt.huntFile,
    )
  }
})

test('1,400 ip:port chunk counts reach index and README', () => {
  const entry = deployIndexEntry(edge)
  const readme = renderDeploySection(edge)
  for (const hunt of edge.hunts) {
    const chunk = entry.chunks.find(
      (candidate) => candidate.query === `edge-twelve/${hunt.huntFile}`,
    )
    assert.equal(chunk?.ruleChunks, hunt.ruleChunks)
    assert.equal(
      chunk?.ruleChunks,
      edge.inlineRules.filter((rule) => rule.table === hunt.table).length,
    )
    assert.ok(
      readme.includes(`| \`${hunt.huntFile}\` | 1,400 | ${hunt.ruleChunks} |`),
      hunt.huntFile,
    )
  }
})

test('1,400 ip:port family gets the watchlist', () => {
  assert.equal(edge.recommended, 'watchlist')
  assert.equal(edge.watchlistRules.length, edge.hunts.length)
  assert.match(renderDeploySection(edge), /\*\*Use the watchlist rules\.\*\*/)
})

test('chunks are stable under 5% churn', () => {
  const remaining = edgeFamily.indicators.slice(70)
  const changed = familyWithHunts('Edge Twelve', 'edge-twelve', [
    ...remaining,
    ...ipPortIndicators('Edge Twelve', 70, 5_000),
  ])
  const after = buildFamilyDeployContent(changed)
  const before = ruleOfIndicator(edge, 'CommonSecurityLog')
  const afterOwners = new Map<string, string>()
  for (const file of after.inlineRules.filter(
    (rule) => rule.table === 'CommonSecurityLog',
  )) {
    for (const indicator of remaining) {
      if (
        file.rule.query.includes(
          kqlString(`${indicator.value}:${indicator.port}`),
        )
      ) {
        afterOwners.set(indicator.key, file.rule.id)
      }
    }
  }
  const unmoved = remaining.filter(
    (indicator) => before.get(indicator.key) === afterOwners.get(indicator.key),
  )
  assert.ok(
    unmoved.length / remaining.length >= 0.8,
    `${unmoved.length} of ${remaining.length} kept their rule`,
  )
})

test('rules pass the schema', () => {
  for (const content of [edge, cobaltContent, dcratContent]) {
    for (const file of [...content.inlineRules, ...content.watchlistRules]) {
      assert.ok(scheduledRuleSchema.safeParse(file.rule).success, file.path)
    }
  }
})

test('rule YAML parses back to the rule', () => {
  for (const file of [
    ...cobaltContent.inlineRules,
    ...cobaltContent.watchlistRules,
  ]) {
    assert.deepEqual(
      YAML.parse(cobaltContent.files.get(file.path)!),
      file.rule,
      file.path,
    )
  }
})

test('Cobalt Strike rule queries parse cleanly', () => {
  assert.ok(cobaltContent.inlineRules.length > 10)
  for (const file of cobaltContent.inlineRules) {
    assert.deepEqual(kqlProblems(file.rule.query), [], file.path)
  }
})

test('Cobalt Strike watchlist queries parse cleanly', () => {
  assert.equal(cobaltContent.recommended, 'watchlist')
  assert.equal(cobaltContent.watchlistRules.length, cobalt.hunts.length)
  for (const file of cobaltContent.watchlistRules) {
    assert.deepEqual(kqlProblems(file.rule.query), [], file.path)
    assert.deepEqual(
      kqlProblems(
        cobaltContent.files.get(file.path.replace(/\.yaml$/, '.kql'))!,
      ),
      [],
      file.path,
    )
  }
})

test('Cobalt Strike Defender queries parse cleanly', () => {
  assert.ok(cobaltContent.defenderQueries.length > 0)
  for (const file of cobaltContent.defenderQueries) {
    assert.deepEqual(kqlProblems(file.text), [], file.path)
    assert.ok(file.text.length <= MAX_RULE_QUERY_LENGTH, file.path)
  }
})

test('Cobalt Strike rules hold every indicator once', () => {
  for (const hunt of cobaltContent.hunts) {
    const listName =
      hunt.observable === 'domain' ? 'ioc_domains' : 'ioc_endpoints'
    const values = cobaltContent.inlineRules
      .filter(
        (rule) =>
          rule.table === hunt.table && rule.observable === hunt.observable,
      )
      .flatMap((rule) => huntValueLists(rule.rule.query).get(listName) ?? [])
    assert.equal(values.length, hunt.indicators, hunt.huntFile)
    assert.equal(new Set(values).size, hunt.indicators, hunt.huntFile)
  }
})

test('Cobalt Strike rules map botnet_cc to T1071', () => {
  for (const file of cobaltContent.inlineRules) {
    assert.deepEqual(file.rule.tactics, ['CommandAndControl'])
    assert.deepEqual(file.rule.relevantTechniques, ['T1071'])
  }
})

test('small family stays inline', () => {
  assert.equal(dcratContent.recommended, 'inline')
  assert.equal(dcratContent.watchlist, undefined)
  assert.equal(dcratContent.watchlistRules.length, 0)
  assert.ok(
    [...dcratContent.files.keys()].every(
      (path) => !path.includes('/watchlist/'),
    ),
  )
})

test('ARM templates have a valid shape', () => {
  for (const content of [edge, cobaltContent, dcratContent]) {
    const parsed = JSON.parse(content.files.get(ARM_TEMPLATE_FILE)!)
    assert.deepEqual(armTemplateProblems(parsed), [], content.familySlug)
  }
})

test('watchlist ARM template deploys watchlist rules', () => {
  const parsed = JSON.parse(cobaltContent.files.get(ARM_TEMPLATE_FILE)!)
  const types = parsed.resources.map(
    (resource: { type: string }) => resource.type,
  )
  assert.equal(
    types.filter((type: string) => type.endsWith('/watchlists')).length,
    1,
  )
  assert.equal(
    types.filter((type: string) => type.endsWith('/alertRules')).length,
    cobalt.hunts.length,
  )
  assert.equal(
    types.filter((type: string) => type.endsWith('/savedSearches')).length,
    cobalt.hunts.length,
  )
})

test('inline ARM template deploys inline rules', () => {
  const parsed = JSON.parse(dcratContent.files.get(ARM_TEMPLATE_FILE)!)
  const rules = parsed.resources.filter((resource: { type: string }) =>
    resource.type.endsWith('/alertRules'),
  )
  assert.equal(rules.length, dcratContent.inlineRules.length)
})

test('deploy content is deterministic', () => {
  const again = buildFamilyDeployContent(dcrat)
  assert.deepEqual([...again.files], [...dcratContent.files])
})

test('rule ids are stable across builds', () => {
  const again = buildFamilyDeployContent(cobalt)
  assert.deepEqual(
    again.inlineRules.map((file) => [file.path, file.rule.id]),
    cobaltContent.inlineRules.map((file) => [file.path, file.rule.id]),
  )
  assert.equal(
    new Set(cobaltContent.inlineRules.map((file) => file.rule.id)).size,
    cobaltContent.inlineRules.length,
  )
})

test('rule time filter matches the schedule', () => {
  const custom = buildFamilyDeployContent(dcrat, {
    schedule: { frequencyMinutes: 60, periodMinutes: 2 * 1440 },
  })
  for (const file of custom.inlineRules) {
    assert.equal(file.rule.queryPeriod, '2d')
    assert.match(file.rule.query, /^let lookback = 2d;$/m)
  }
})

test('rule entities project their columns', () => {
  for (const file of cobaltContent.inlineRules) {
    for (const mapping of file.rule.entityMappings) {
      for (const field of mapping.fieldMappings) {
        assert.match(
          file.rule.query,
          new RegExp(`\\b${field.columnName}\\b`),
          `${file.path} ${field.columnName}`,
        )
      }
    }
  }
})
