import assert from 'node:assert/strict'
import { test } from 'node:test'

import { sampleFamily } from '../../test/support/deploy-fixtures.ts'
import { findTableProfile, TABLE_PROFILES } from '../hunts/table-profiles.ts'
import { requiredDataConnectorsFor } from './required-data-connectors.ts'
import { EntityColumnError, ruleEntities } from './rule-entities.ts'
import { scheduledRuleSchema } from './scheduled-rule-schema.ts'

// Families of the sample that together have ip:port, domain, url and hash hunts.
const families = await Promise.all([
  sampleFamily('Cobalt Strike', 'cobalt-strike'),
  sampleFamily('DCRat', 'dcrat'),
  sampleFamily('Vidar', 'vidar'),
  sampleFamily('ClearFake', 'clearfake'),
])
const hunts = families.flatMap((family) => family.hunts)

test('sample covers every table', () => {
  const tables = new Set(hunts.map((hunt) => hunt.table))
  for (const profile of TABLE_PROFILES)
    assert.ok(tables.has(profile.name), profile.name)
})

test('every table has connectors', () => {
  for (const profile of TABLE_PROFILES) {
    assert.ok(requiredDataConnectorsFor(profile.name).length > 0, profile.name)
  }
})

test('ruleEntities map columns the rule has', () => {
  for (const hunt of hunts) {
    const entities = ruleEntities(hunt, findTableProfile(hunt.table)!)
    const parsed = scheduledRuleSchema.shape.entityMappings.safeParse(
      entities.entityMappings,
    )
    assert.ok(
      parsed.success,
      `${hunt.fileName}: ${JSON.stringify(parsed.error?.issues)}`,
    )
    assert.ok(
      scheduledRuleSchema.shape.customDetails.safeParse(entities.customDetails)
        .success,
      hunt.fileName,
    )
  }
})

test('ruleEntities for CommonSecurityLog ip:port', () => {
  const hunt = hunts.find(
    (candidate) => candidate.fileName === 'CommonSecurityLog-ip-port.kql',
  )!
  assert.deepEqual(ruleEntities(hunt, findTableProfile(hunt.table)!), {
    stages: [
      'extend MalwareFamily = "Cobalt Strike"',
      'extend IocIpAddress = iff(MatchedColumn == "DestinationIP", DestinationIP, SourceIP)',
      'extend LocalIpAddress = iff(MatchedColumn == "DestinationIP", SourceIP, DestinationIP)',
    ],
    entityMappings: [
      {
        entityType: 'IP',
        fieldMappings: [{ identifier: 'Address', columnName: 'IocIpAddress' }],
      },
      {
        entityType: 'Host',
        fieldMappings: [
          { identifier: 'HostName', columnName: 'SourceHostName' },
        ],
      },
      {
        entityType: 'IP',
        fieldMappings: [
          { identifier: 'Address', columnName: 'LocalIpAddress' },
        ],
      },
    ],
    customDetails: {
      MalwareFamily: 'MalwareFamily',
      MatchedIndicator: 'MatchedIndicator',
      MatchedColumn: 'MatchedColumn',
      MatchStrength: 'MatchStrength',
    },
  })
})

test('ruleEntities for a hash hunt', () => {
  const hunt = hunts.find(
    (candidate) => candidate.fileName === 'DeviceFileEvents-sha256.kql',
  )!
  const entities = ruleEntities(hunt, findTableProfile(hunt.table)!)
  assert.ok(entities.stages.includes('extend HashAlgorithm = "SHA256"'))
  assert.deepEqual(entities.entityMappings[0], {
    entityType: 'FileHash',
    fieldMappings: [
      { identifier: 'Algorithm', columnName: 'HashAlgorithm' },
      { identifier: 'Value', columnName: 'MatchedIndicator' },
    ],
  })
})

test('ruleEntities for DnsEvents domains', () => {
  const hunt = hunts.find(
    (candidate) => candidate.fileName === 'DnsEvents-domain.kql',
  )!
  assert.deepEqual(
    ruleEntities(hunt, findTableProfile(hunt.table)!).entityMappings,
    [
      {
        entityType: 'DNS',
        fieldMappings: [
          { identifier: 'DomainName', columnName: 'MatchedIndicator' },
        ],
      },
      {
        entityType: 'Host',
        fieldMappings: [{ identifier: 'FullName', columnName: 'Computer' }],
      },
      {
        entityType: 'IP',
        fieldMappings: [{ identifier: 'Address', columnName: 'ClientIP' }],
      },
    ],
  )
})

test('ruleEntities quote the family name', () => {
  const hunt = { ...hunts[0]!, family: 'Evil "Family"\\' }
  assert.equal(
    ruleEntities(hunt, findTableProfile(hunt.table)!).stages[0],
    'extend MalwareFamily = "Evil \\"Family\\"\\\\"',
  )
})

test('ruleEntities reject a missing column', () => {
  const hunt = { ...hunts[0]!, columnsProjected: ['TimeGenerated'] }
  assert.throws(
    () => ruleEntities(hunt, findTableProfile(hunt.table)!),
    EntityColumnError,
  )
})
