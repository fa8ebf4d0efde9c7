import assert from 'node:assert/strict'
import { test } from 'node:test'

import { sampleFamily } from '../../test/support/deploy-fixtures.ts'
import { armTemplateProblems } from './arm-template-shape.ts'
import { buildFamilyDeployContent } from './family-deploy.ts'
import {
  RepositoryLayoutError,
  SENTINEL_DEPLOYMENT_CONFIG,
  sentinelRepositoryFiles,
  type RepositoryFamily,
} from './sentinel-repo-layout.ts'

async function repositoryFamily(
  name: string,
  slug: string,
): Promise<RepositoryFamily> {
  const family = await sampleFamily(name, slug)
  return { ...family, deploy: buildFamilyDeployContent(family) }
}

const dcrat = await repositoryFamily('DCRat', 'dcrat')
const remcos = await repositoryFamily('Remcos', 'remcos')
const packageFiles = new Map([
  ['index.json', '{"generatedBy":"huntpack 0.1.0"}\n'],
  ['dcrat/README.md', '# DCRat\n'],
  ['dcrat/sentinel/azuredeploy.json', '{}\n'],
  ['remcos/README.md', '# Remcos\n'],
])
const files = sentinelRepositoryFiles([dcrat, remcos], packageFiles)

// The files the repository deployment script picks up: every .json except
// parameter files, metadata and paths under excludecontentfiles.
function deployedFiles(): string[] {
  const config = JSON.parse(files.get(SENTINEL_DEPLOYMENT_CONFIG)!) as {
    excludecontentfiles: string[]
  }
  return [...files.keys()].filter(
    (path) =>
      path.endsWith('.json') &&
      !/\.parameters.*\.json$/.test(path) &&
      !path.endsWith('metadata.json') &&
      !config.excludecontentfiles.some((prefix) =>
        path.toLowerCase().startsWith(prefix.toLowerCase()),
      ),
  )
}

test('layout keeps the package files', () => {
  for (const [path, text] of packageFiles)
    assert.equal(files.get(path), text, path)
})

test('layout writes the deployment config', () => {
  assert.deepEqual(JSON.parse(files.get(SENTINEL_DEPLOYMENT_CONFIG)!), {
    prioritizedcontentfiles: [],
    excludecontentfiles: ['Watchlists/', 'dcrat/', 'index.json', 'remcos/'],
    parameterfilemappings: {},
  })
})

test('layout deploys one resource per template', () => {
  const deployed = deployedFiles()
  assert.equal(
    deployed.filter((path) => path.startsWith('AnalyticsRules/')).length,
    dcrat.deploy.inlineRules.length + remcos.deploy.inlineRules.length,
  )
  assert.equal(
    deployed.filter((path) => path.startsWith('HuntingQueries/')).length,
    dcrat.hunts.length + remcos.hunts.length,
  )
  for (const path of deployed) {
    const template = JSON.parse(files.get(path)!)
    assert.deepEqual(armTemplateProblems(template), [], path)
    assert.equal(template.resources.length, 1, path)
    assert.ok('workspace' in template.parameters, path)
  }
})

test('layout deploys only repository content types', () => {
  const allowed = new Set([
    'Microsoft.OperationalInsights/workspaces/providers/alertRules',
    'Microsoft.OperationalInsights/workspaces/savedSearches',
  ])
  for (const path of deployedFiles()) {
    for (const resource of JSON.parse(files.get(path)!).resources) {
      assert.ok(allowed.has(resource.type), `${path}: ${resource.type}`)
    }
  }
})

test('layout pairs each rule with parameters', () => {
  for (const path of deployedFiles().filter((candidate) =>
    candidate.startsWith('AnalyticsRules/'),
  )) {
    const parameters = JSON.parse(
      files.get(path.replace(/\.json$/, '.parameters.json'))!,
    )
    assert.deepEqual(
      parameters.parameters,
      { rulesEnabled: { value: true } },
      path,
    )
  }
})

test('layout names rule files by hunt and part', () => {
  const names = [...files.keys()].filter(
    (path) =>
      path.startsWith('AnalyticsRules/dcrat/') && !path.includes('.parameters'),
  )
  assert.deepEqual(
    names,
    dcrat.deploy.inlineRules.map(
      (file) =>
        `AnalyticsRules/dcrat/${file.path.split('/').pop()!.replace('.yaml', '.json')}`,
    ),
  )
})

test('layout puts watchlists aside', () => {
  assert.equal(remcos.deploy.recommended, 'watchlist')
  const alias = remcos.deploy.watchlist!.alias
  assert.ok(files.has(`Watchlists/remcos/${alias}.json`))
  assert.equal(
    files.get(`Watchlists/remcos/${alias}.csv`),
    remcos.deploy.files.get(remcos.deploy.watchlist!.path),
  )
  assert.equal(
    [...files.keys()].filter((path) =>
      path.startsWith('Watchlists/remcos/rules/'),
    ).length,
    remcos.deploy.watchlistRules.length,
  )
})

test('layout exclusions spare short family folders', () => {
  const short = sentinelRepositoryFiles(
    [{ ...dcrat, slug: 'a' }],
    new Map([['a/README.md', '# A\n']]),
  )
  const config = JSON.parse(short.get(SENTINEL_DEPLOYMENT_CONFIG)!) as {
    excludecontentfiles: string[]
  }
  const rule = [...short.keys()].find((path) =>
    path.startsWith('AnalyticsRules/'),
  )!
  assert.ok(
    !config.excludecontentfiles.some((prefix) =>
      rule.toLowerCase().startsWith(prefix.toLowerCase()),
    ),
  )
})

test('layout rejects a clashing family folder', () => {
  assert.throws(
    () =>
      sentinelRepositoryFiles(
        [{ ...dcrat, slug: 'analyticsrules' }],
        new Map(),
      ),
    RepositoryLayoutError,
  )
})
