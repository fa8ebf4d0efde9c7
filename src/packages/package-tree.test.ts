import assert from 'node:assert/strict'
import { test } from 'node:test'
import { REFERENCE_DCRAT, fakeHunt } from '../../test/support/package-fakes.ts'
import { groupIndicatorsByFamily } from './family-indicators.ts'
import { buildPackageIndex } from './package-index.ts'
import { PackageTreeError, renderPackageTree } from './package-tree.ts'
import type { Hunt } from '../hunts/hunt.ts'

const TOTALS = { read: 2, accepted: 2, merged: 0, rejected: 0 }

function treeWith(hunts: (indicators: typeof REFERENCE_DCRAT) => Hunt[]) {
  const [group] = groupIndicatorsByFamily(REFERENCE_DCRAT)
  const family = { ...group!, hunts: hunts(group!.indicators) }
  const index = buildPackageIndex(['feed.json'], TOTALS, [], [], [family])
  return renderPackageTree([family], index, '14d')
}

test('query file ends with one newline', () => {
  const tree = treeWith((indicators) => [
    fakeHunt(indicators, { text: 'T\n\n\n' }),
  ])
  assert.equal(tree.get('dcrat/DeviceNetworkEvents-ip-port.kql'), 'T\n')
})

test('rejects path in file name', () => {
  assert.throws(
    () =>
      treeWith((indicators) => [
        fakeHunt(indicators, { fileName: '../escape.kql' }),
      ]),
    PackageTreeError,
  )
})

test('rejects README as file name', () => {
  assert.throws(
    () =>
      treeWith((indicators) => [
        fakeHunt(indicators, { fileName: 'README.md' }),
      ]),
    PackageTreeError,
  )
})

test('rejects duplicate file names', () => {
  assert.throws(
    () =>
      treeWith((indicators) => [fakeHunt(indicators), fakeHunt(indicators)]),
    /both be written to dcrat\/DeviceNetworkEvents-ip-port\.kql/,
  )
})
