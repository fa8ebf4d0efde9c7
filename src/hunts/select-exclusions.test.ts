import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { buildFamilyHunts } from '../targets/kql/hunt-renderer.ts'
import { HuntInputError } from './hunt-input-error.ts'
import { selectExclusions } from './select-exclusions.ts'
import { testIndicator, threatFoxIndicators } from './test-indicators.ts'
import { findTableProfile } from './table-profiles.ts'

const DCRAT = threatFoxIndicators(['reference-dcrat-1', 'reference-dcrat-2'])
const NETWORK = findTableProfile('DeviceNetworkEvents')!
const CEF = findTableProfile('CommonSecurityLog')!

function ids(rules: { id: string }[]): string[] {
  return rules.map((rule) => rule.id)
}

describe('selectExclusions', () => {
  test('applied where the table has the columns', () => {
    const selection = selectExclusions(NETWORK, 'ip-port', DCRAT)
    assert.deepEqual(ids(selection.applied.map((applied) => applied.rule)), [
      'veeam-backup-agent',
      'windows-update-client',
      'group-policy-refresh',
      'splunk-forwarder',
      'elastic-agent-beats',
      'sql-server-services',
    ])
  })

  test('conditions bound to columns', () => {
    const [veeam] = selectExclusions(NETWORK, 'ip-port', DCRAT).applied
    assert.deepEqual(
      veeam.conditions.map((condition) => [
        condition.column,
        condition.operator,
      ]),
      [
        ['InitiatingProcessFileName', 'equals-any'],
        ['InitiatingProcessFolderPath', 'starts-with-any'],
      ],
    )
  })

  test('skipped for a missing folder column', () => {
    const skipped = selectExclusions(CEF, 'ip-port', DCRAT).skipped
    const veeam = skipped.find(
      (entry) => entry.rule.id === 'veeam-backup-agent',
    )
    assert.equal(
      veeam?.reason,
      'CommonSecurityLog has no column for the initiating process folder',
    )
  })

  test('nothing applied without the columns', () => {
    assert.deepEqual(selectExclusions(CEF, 'ip-port', DCRAT).applied, [])
  })

  test('every rule is applied or skipped', () => {
    const selection = selectExclusions(CEF, 'ip-port', DCRAT)
    assert.equal(selection.applied.length + selection.skipped.length, 10)
  })

  test('hash hunts skip every rule', () => {
    const hashes = threatFoxIndicators(['1856665'])
    const selection = selectExclusions(NETWORK, 'sha256', hashes)
    assert.equal(selection.applied.length, 0)
    assert.match(
      selection.skipped[0].reason,
      /^not used in hash hunts: a hash match identifies the file itself/,
    )
  })

  test('site parameter missing', () => {
    const skipped = selectExclusions(NETWORK, 'ip', DCRAT).skipped
    const powershell = skipped.find(
      (entry) => entry.rule.id === 'administrative-powershell-scripts',
    )
    assert.equal(
      powershell?.reason,
      'needs site values: set the adminScriptPaths exclusion parameter',
    )
  })

  test('site parameter given', () => {
    const selection = selectExclusions(NETWORK, 'ip', DCRAT, {
      adminScriptPaths: ['C:\\Admin\\Scripts\\'],
    })
    const powershell = selection.applied.find(
      (applied) => applied.rule.id === 'administrative-powershell-scripts',
    )
    assert.deepEqual(powershell?.conditions[2].values, ['C:\\Admin\\Scripts\\'])
  })

  test('empty site value rejected', () => {
    assert.throws(
      () => selectExclusions(NETWORK, 'ip', DCRAT, { oracleHomePaths: [' '] }),
      HuntInputError,
    )
  })

  test('rejected rules never apply', () => {
    const skipped = selectExclusions(NETWORK, 'ip', DCRAT).skipped
    const servers = skipped.find(
      (entry) => entry.rule.id === 'log-management-servers',
    )
    assert.match(
      servers!.reason,
      /^never applied: A C2 connection to or from one of these servers/,
    )
  })

  test('rule that would hide an indicator is skipped', () => {
    const domain = [
      testIndicator({ type: 'domain', value: 'download.windowsupdate.com' }),
    ]
    const skipped = selectExclusions(NETWORK, 'domain', domain).skipped
    const update = skipped.find(
      (entry) => entry.rule.id === 'windows-update-client',
    )
    assert.equal(
      update?.reason,
      'would hide the indicator download.windowsupdate.com, which one of its values matches',
    )
  })

  test('lookalike domain keeps the rule', () => {
    const domain = [
      testIndicator({
        type: 'domain',
        value: 'windowsupdate.com.attacker.example',
      }),
    ]
    const applied = selectExclusions(NETWORK, 'domain', domain).applied
    assert.ok(
      applied.some((entry) => entry.rule.id === 'windows-update-client'),
    )
  })
})

describe('exclusions in query text', () => {
  const hunts = buildFamilyHunts('DCRat', DCRAT)
  const network = hunts.find((hunt) => hunt.table === 'DeviceNetworkEvents')!
  const cef = hunts.find((hunt) => hunt.table === 'CommonSecurityLog')!

  test('present in DeviceNetworkEvents', () => {
    assert.match(
      network.text,
      /\n\| where not\(InitiatingProcessFileName in~ \("Veeam\.Backup\.Service\.exe", .*\) and \(InitiatingProcessFolderPath startswith "C:\\\\Program Files\\\\Veeam\\\\" or /,
    )
  })

  test('absent from CommonSecurityLog', () => {
    assert.doesNotMatch(cef.text, /Veeam|where not\(/)
  })

  test('reported skipped for CommonSecurityLog', () => {
    assert.ok(
      cef.skippedExclusions.some(
        (entry) => entry.rule.id === 'veeam-backup-agent',
      ),
    )
  })

  test('reported applied for DeviceNetworkEvents', () => {
    assert.ok(
      network.appliedExclusions.some(
        (rule) => rule.id === 'veeam-backup-agent',
      ),
    )
  })

  test('listed in the header', () => {
    assert.match(
      network.text,
      /^\/\/ Exclusions: veeam-backup-agent, windows-update-client, /m,
    )
  })
})
