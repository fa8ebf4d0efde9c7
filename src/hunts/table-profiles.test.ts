import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'

import { logTableCatalog } from '../logs/log-table-catalog.ts'
import { sentinelCatalog } from '../targets/kql/schema-catalog.ts'
import { sentinelFunctions } from '../validation/sentinel-functions.ts'
import type { TableProfile } from './table-profile.ts'
import { TABLE_PROFILES } from './table-profiles.ts'

const CATALOG = JSON.parse(
  readFileSync(
    new URL('../targets/kql/schemas/sentinel-tables.json', import.meta.url),
    'utf8',
  ),
) as Record<string, [string, string][]>

// Column types a query on the profile may use: the catalog table's, or for
// an ASIM parser the result columns the KQL validator declares for it.
function columnTypes(profile: TableProfile): Map<string, string> {
  if (profile.kind === 'table') {
    return new Map(CATALOG[profile.catalogTable] ?? [])
  }
  const parser = sentinelFunctions(sentinelCatalog()).find(
    (candidate) => candidate.name === profile.name,
  )
  return new Map(parser?.columns.map((column) => [column.name, column.type]))
}

// Columns of the table the local hunting engine reads for the profile.
function localColumns(profile: TableProfile): Set<string> {
  const columns = logTableCatalog().get(profile.catalogTable) ?? []
  return new Set(columns.map((column) => column.name))
}

function namedColumns(profile: TableProfile): string[] {
  return [
    profile.timeColumn,
    ...profile.endpoints.flatMap((side) => [side.ipColumn, side.portColumn]),
    ...profile.hostNameColumns,
    ...(profile.urlHostColumns ?? []),
    ...profile.urlColumns,
    ...Object.values(profile.hashColumns).flat(),
    ...Object.values(profile.exclusionColumns),
    ...profile.triageColumns,
  ]
}

describe('TABLE_PROFILES', () => {
  test('names are unique', () => {
    const names = TABLE_PROFILES.map((profile) => profile.name)
    assert.equal(new Set(names).size, names.length)
  })

  for (const profile of TABLE_PROFILES) {
    const types = columnTypes(profile)

    test(`${profile.name} columns are in the catalog`, () => {
      assert.deepEqual(
        namedColumns(profile).filter((column) => !types.has(column)),
        [],
      )
    })

    test(`${profile.name} columns are in the local table`, () => {
      const local = localColumns(profile)
      assert.deepEqual(
        namedColumns(profile).filter((column) => !local.has(column)),
        [],
      )
    })

    test(`${profile.name} URL host columns are name columns`, () => {
      assert.deepEqual(
        (profile.urlHostColumns ?? []).filter(
          (column) => !profile.hostNameColumns.includes(column),
        ),
        [],
      )
    })

    test(`${profile.name} time column is a datetime`, () => {
      assert.equal(types.get(profile.timeColumn), 'datetime')
    })

    test(`${profile.name} ports are integers`, () => {
      for (const side of profile.endpoints) {
        assert.equal(types.get(side.portColumn), 'int')
      }
    })

    test(`${profile.name} names a connector`, () => {
      assert.ok(profile.connectors.length > 0)
    })

    test(`${profile.name} projects its time column first`, () => {
      assert.equal(profile.triageColumns[0], profile.timeColumn)
    })
  }

  test('Defender device tables use Timestamp', () => {
    const device = TABLE_PROFILES.filter((profile) =>
      profile.name.startsWith('Device'),
    )
    assert.deepEqual(
      device.map((profile) => [
        profile.name,
        profile.defenderXdr,
        profile.timeColumn,
      ]),
      [
        ['DeviceNetworkEvents', true, 'Timestamp'],
        ['DeviceFileEvents', true, 'Timestamp'],
        ['DeviceProcessEvents', true, 'Timestamp'],
      ],
    )
  })

  test('ASIM parser has filters', () => {
    const asim = TABLE_PROFILES.filter(
      (profile) => profile.kind === 'asim-parser',
    )
    assert.deepEqual(
      asim.map((profile) => [profile.name, profile.parserFilters?.startTime]),
      [
        ['_Im_Dns', 'starttime'],
        ['_Im_NetworkSession', 'starttime'],
        ['_Im_WebSession', 'starttime'],
      ],
    )
  })
})
