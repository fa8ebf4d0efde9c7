import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import {
  SchemaCatalog,
  SchemaCatalogError,
  UnknownTableError,
  columnType,
  hasColumn,
  sentinelCatalog,
  tableColumns,
} from './schema-catalog.ts'

const FIX_HINT =
  'Regenerate it with scripts/make-schema-catalog.py or correct the entries listed.'

test('catalog lists shipped tables', () => {
  assert.deepEqual(sentinelCatalog().tableNames, [
    'ASimNetworkSessionLogs',
    'AZFWApplicationRule',
    'AZFWDnsQuery',
    'AZFWNetworkRule',
    'AZFWThreatIntel',
    'AzureDiagnostics',
    'CommonSecurityLog',
    'DeviceFileEvents',
    'DeviceNetworkEvents',
    'DeviceProcessEvents',
    'DnsEvents',
    'EmailUrlInfo',
    'SigninLogs',
    'Syslog',
    'ThreatIntelIndicators',
    'ThreatIntelligenceIndicator',
    'UrlClickEvents',
    'W3CIISLog',
  ])
})

test('tableColumns keeps schema order', () => {
  const columns = tableColumns('DeviceNetworkEvents')

  assert.equal(columns.length, 38)
  assert.deepEqual(columns.slice(0, 3), [
    { name: 'TenantId', type: 'string' },
    { name: 'ActionType', type: 'string' },
    { name: 'AdditionalFields', type: 'dynamic' },
  ])
  assert.deepEqual(columns.at(-1), { name: 'Type', type: 'string' })
})

test('tableColumns result is frozen', () => {
  const columns = tableColumns('Syslog') as unknown as { name: string }[]

  assert.throws(() => columns.push({ name: 'Extra' }), TypeError)
  assert.throws(() => {
    columns[0].name = 'Renamed'
  }, TypeError)
})

test('columnType returns KQL types', () => {
  assert.equal(columnType('DeviceNetworkEvents', 'RemotePort'), 'int')
  assert.equal(columnType('DeviceNetworkEvents', 'RemoteIP'), 'string')
  assert.equal(columnType('CommonSecurityLog', 'ReceivedBytes'), 'long')
  assert.equal(columnType('CommonSecurityLog', 'DestinationPort'), 'int')
  assert.equal(columnType('ASimNetworkSessionLogs', 'DstPortNumber'), 'int')
  assert.equal(columnType('Syslog', 'TimeGenerated'), 'datetime')
  assert.equal(columnType('DeviceNetworkEvents', 'NoSuchColumn'), undefined)
})

test('hasColumn matches case exactly', () => {
  assert.equal(hasColumn('DeviceNetworkEvents', 'RemoteIP'), true)
  assert.equal(hasColumn('DeviceNetworkEvents', 'remoteip'), false)
  assert.equal(hasColumn('CommonSecurityLog', 'InitiatingProcessId'), false)
})

test('unknown table rejected', () => {
  for (const lookup of [
    () => tableColumns('DeviceNetworkEvent'),
    () => hasColumn('DeviceNetworkEvent', 'RemoteIP'),
    () => columnType('DeviceNetworkEvent', 'RemoteIP'),
  ]) {
    assert.throws(lookup, (error: unknown) => {
      assert.ok(error instanceof UnknownTableError)
      assert.equal(error.table, 'DeviceNetworkEvent')
      assert.equal(
        error.message,
        'table "DeviceNetworkEvent" is not in the schema catalog; known tables: ' +
          `${sentinelCatalog().tableNames.join(', ')}. ` +
          'Use one of them or add the table to the catalog.',
      )
      return true
    })
  }
})

test('fromJson builds a catalog', () => {
  const catalog = SchemaCatalog.fromJson(
    {
      T: [
        ['b', 'long'],
        ['a', 'timespan'],
      ],
    },
    'inline',
  )

  assert.deepEqual(catalog.tableNames, ['T'])
  assert.deepEqual(catalog.tableColumns('T'), [
    { name: 'b', type: 'long' },
    { name: 'a', type: 'timespan' },
  ])
  assert.equal(catalog.hasTable('T'), true)
  assert.equal(catalog.hasTable('t'), false)
})

test('fromJson rejects bad shapes', () => {
  const types =
    '"bool"|"datetime"|"decimal"|"dynamic"|"guid"|"int"|"long"|"real"|"string"|"timespan"'
  const cases: [unknown, string[]][] = [
    [
      [],
      ['(top level): Invalid input: expected record, received array, found []'],
    ],
    [
      null,
      [
        '(top level): Invalid input: expected record, received null, found null',
      ],
    ],
    [{ T: [] }, ['T: a table needs at least one column, found []']],
    [
      { T: 'x' },
      ['T: Invalid input: expected array, received string, found "x"'],
    ],
    [
      { T: [['a', 'varchar']] },
      [`T[0][1]: Invalid option: expected one of ${types}, found "varchar"`],
    ],
    [
      { 'bad name': [['a', 'string']] },
      ['bad name: table name must be a plain KQL identifier, found "bad name"'],
    ],
    [
      { T: [['1a', 'string']] },
      ['T[0][0]: column name must be a plain KQL identifier, found "1a"'],
    ],
    [
      { T: [['a']] },
      ['T[0]: Too small: expected array to have >=2 items, found ["a"]'],
    ],
    [
      {
        T: [
          ['a', 'string'],
          ['b', 'int'],
          ['a', 'int'],
        ],
      },
      ['T[2]: duplicate column a'],
    ],
  ]
  for (const [data, problems] of cases) {
    assert.throws(
      () => SchemaCatalog.fromJson(data, 'tables.json'),
      (error: unknown) => {
        assert.ok(error instanceof SchemaCatalogError)
        assert.equal(error.file, 'tables.json')
        assert.deepEqual(error.problems, problems)
        assert.equal(
          error.message,
          `invalid table schema catalog tables.json:\n` +
            problems.map((p) => `  ${p}\n`).join('') +
            FIX_HINT,
        )
        return true
      },
    )
  }
})

test('fromJson caps problem list', () => {
  const data = Object.fromEntries(
    Array.from({ length: 25 }, (_, i) => [`T${i}`, []]),
  )

  assert.throws(
    () => SchemaCatalog.fromJson(data, 'tables.json'),
    (error: unknown) => {
      assert.ok(error instanceof SchemaCatalogError)
      assert.equal(error.problems.length, 21)
      assert.equal(
        error.problems[19],
        'T19: a table needs at least one column, found []',
      )
      assert.equal(error.problems[20], '... and 5 more')
      return true
    },
  )
})

test('readFile reports unreadable files', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'huntpack-catalog-'))
  try {
    const missing = path.join(folder, 'missing.json')
    const broken = path.join(folder, 'broken.json')
    writeFileSync(broken, '{"T": [')

    assert.throws(() => SchemaCatalog.readFile(missing), {
      name: 'SchemaCatalogError',
      message:
        `invalid table schema catalog ${missing}:\n` +
        `  cannot read the file: ENOENT: no such file or directory, open '${missing}'\n` +
        FIX_HINT,
    })
    assert.throws(
      () => SchemaCatalog.readFile(broken),
      (error: unknown) => {
        assert.ok(error instanceof SchemaCatalogError)
        assert.equal(error.problems.length, 1)
        assert.match(error.problems[0], /^not valid JSON: /)
        return true
      },
    )
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
})
