import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'

import { runBuild } from '../cli/commands/build.ts'
import { ingestFeeds } from '../feeds/ingest-feeds.ts'
import { createBuildStages } from '../packages/build-stages.ts'
import { THREATFOX_SAMPLE } from '../../test/support/deploy-fixtures.ts'
import { SENTINEL_DEPLOYMENT_CONFIG } from './sentinel-repo-layout.ts'

const folder = await mkdtemp(path.join(os.tmpdir(), 'huntpack-repo-'))
after(() => rm(folder, { recursive: true, force: true }))

// A small feed: the DCRat records of the sample export.
const sample = JSON.parse(await readFile(THREATFOX_SAMPLE, 'utf8')) as Record<
  string,
  { malware_printable: string }[]
>
const feed = path.join(folder, 'dcrat.json')
await writeFile(
  feed,
  JSON.stringify(
    Object.fromEntries(
      Object.entries(sample).filter(
        ([, records]) => records[0]!.malware_printable === 'DCRat',
      ),
    ),
  ),
)

async function build(layout: 'packages' | 'sentinel-repo'): Promise<string> {
  const out = path.join(folder, layout)
  const output: string[] = []
  await runBuild(
    [feed],
    { out, lookback: '14d', verbose: false, layout },
    {
      ingestFeeds,
      createStages: createBuildStages,
      stdout: { write: (text: string) => output.push(text) },
      stderr: { write: () => true },
      env: { CI: '1' },
    },
  )
  return out
}

const packagesOut = await build('packages')
const repositoryOut = await build('sentinel-repo')

test('build writes deploy files into family folders', async () => {
  const files = await readdir(
    path.join(packagesOut, 'dcrat', 'sentinel', 'analytics-rules'),
  )
  assert.ok(files.includes('CommonSecurityLog-ip-port.yaml'))
  const index = JSON.parse(
    await readFile(path.join(packagesOut, 'index.json'), 'utf8'),
  )
  assert.equal(index.families[0].deploy.recommended, 'inline')
  assert.equal(index.families[0].deploy.analyticsRules.length, files.length)
})

test('default layout has no repository folders', async () => {
  const top = await readdir(packagesOut)
  assert.deepEqual(top.sort(), ['dcrat', 'index.json'])
})

test('repository layout adds the Sentinel folders', async () => {
  const top = await readdir(repositoryOut)
  assert.deepEqual(
    top.sort(),
    [
      'AnalyticsRules',
      'HuntingQueries',
      'dcrat',
      'index.json',
      SENTINEL_DEPLOYMENT_CONFIG,
    ].sort(),
  )
  const config = JSON.parse(
    await readFile(
      path.join(repositoryOut, SENTINEL_DEPLOYMENT_CONFIG),
      'utf8',
    ),
  )
  assert.deepEqual(config.excludecontentfiles, [
    'Watchlists/',
    'dcrat/',
    'index.json',
  ])
})

test('repository layout keeps the package bytes', async () => {
  for (const file of [
    'index.json',
    'dcrat/README.md',
    'dcrat/sentinel/azuredeploy.json',
  ]) {
    assert.equal(
      await readFile(path.join(repositoryOut, file), 'utf8'),
      await readFile(path.join(packagesOut, file), 'utf8'),
      file,
    )
  }
})
