import assert from 'node:assert/strict'
import { test } from 'node:test'

import { sampleFamily } from '../../test/support/deploy-fixtures.ts'
import { KqlValidator } from '../validation/kql-validator.ts'
import {
  defenderDetectionText,
  hasDefenderDetection,
} from './defender-detection.ts'
import { QueryRewriteError } from './rule-query.ts'

const dcrat = await sampleFamily('DCRat', 'dcrat')
const deviceHunts = dcrat.hunts.filter(hasDefenderDetection)

test('hasDefenderDetection picks Device tables', () => {
  assert.deepEqual([...new Set(deviceHunts.map((hunt) => hunt.table))].sort(), [
    'DeviceFileEvents',
    'DeviceNetworkEvents',
    'DeviceProcessEvents',
  ])
  assert.ok(
    !dcrat.hunts
      .filter((hunt) => hunt.table === 'CommonSecurityLog')
      .some(hasDefenderDetection),
  )
})

test('defender query projects required columns first', () => {
  for (const hunt of deviceHunts) {
    const text = defenderDetectionText(hunt, ['Defender detection'])
    assert.match(
      text,
      /^\| project Timestamp, DeviceId, ReportId, DeviceName, /m,
      hunt.fileName,
    )
  }
})

test('defender query has no time filter', () => {
  for (const hunt of deviceHunts) {
    const text = defenderDetectionText(hunt, ['Defender detection'])
    assert.doesNotMatch(text, /lookback/, hunt.fileName)
    assert.doesNotMatch(text, /Timestamp >/, hunt.fileName)
  }
})

test('defender query replaces the header', () => {
  const text = defenderDetectionText(deviceHunts[0]!, ['Line one', 'Line two'])
  const firstStatement = deviceHunts[0]!.text
    .split('\n')
    .find((line) => !line.startsWith('//') && !line.startsWith('let lookback'))
  assert.deepEqual(text.split('\n').slice(0, 3), [
    '// Line one',
    '// Line two',
    firstStatement,
  ])
})

test('defender queries parse cleanly', () => {
  const validator = KqlValidator.shared()
  for (const hunt of deviceHunts) {
    const text = defenderDetectionText(hunt, ['Defender detection'])
    assert.deepEqual(
      validator.validate(text).filter((d) => d.severity !== 'suggestion'),
      [],
      hunt.fileName,
    )
  }
})

test('defender rewrite rejects unexpected text', () => {
  const hunt = { ...deviceHunts[0]!, text: 'DeviceNetworkEvents | take 1' }
  assert.throws(() => defenderDetectionText(hunt, []), QueryRewriteError)
})
