import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { describeExclusionCondition, EXCLUSION_RULES } from './exclusions.ts'

describe('EXCLUSION_RULES', () => {
  test('ids are unique', () => {
    const ids = EXCLUSION_RULES.map((rule) => rule.id)
    assert.equal(new Set(ids).size, ids.length)
  })

  for (const rule of EXCLUSION_RULES) {
    test(`${rule.id} never rests on a process name alone`, () => {
      const roles = rule.conditions.map((condition) => condition.role)
      if (roles.includes('initiating-process-file-name')) {
        assert.ok(roles.includes('initiating-process-folder-path'))
      }
    })

    test(`${rule.id} has no hash observable`, () => {
      assert.deepEqual(
        rule.appliesTo.filter((observable) =>
          ['md5', 'sha1', 'sha256'].includes(observable),
        ),
        [],
      )
    })
  }

  test('rules on indicator addresses are rejected', () => {
    const onAddresses = EXCLUSION_RULES.filter((rule) =>
      rule.conditions.some(
        (condition) => condition.role === 'destination-ip-address',
      ),
    )
    assert.deepEqual(
      onAddresses.map((rule) => rule.rejected !== undefined),
      [true, true],
    )
  })
})

describe('describeExclusionCondition', () => {
  test('fixed values', () => {
    assert.equal(
      describeExclusionCondition({
        role: 'initiating-process-file-name',
        operator: 'equals-any',
        values: ['gpupdate.exe'],
      }),
      'initiating process file name is one of gpupdate.exe',
    )
  })

  test('site parameter', () => {
    assert.equal(
      describeExclusionCondition({
        role: 'initiating-process-command-line',
        operator: 'has-any',
        parameter: 'adminScriptPaths',
      }),
      'initiating process command line contains one of the values of the adminScriptPaths parameter',
    )
  })
})
