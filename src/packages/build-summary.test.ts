import assert from 'node:assert/strict'
import { test } from 'node:test'
import { countRejectionKinds, rejectionKind } from './build-summary.ts'

test('kind cuts at quoted value', () => {
  assert.equal(
    rejectionKind(
      'invalid IPv4 address "203.0.300.17": octet 300 is greater than 255',
    ),
    'invalid IPv4 address',
  )
})

test('kind keeps unquoted reason', () => {
  assert.equal(
    rejectionKind('confidence 50 is below the minimum 75'),
    'confidence 50 is below the minimum 75',
  )
})

test('kind of reason starting with quote', () => {
  assert.equal(rejectionKind('"x" is not a type'), '"x" is not a type')
})

test('kinds counted most first', () => {
  const rejected = [
    'invalid port "70000"',
    'value is missing',
    'invalid port "0"',
  ].map((reason) => ({
    file: 'f',
    recordId: '1',
    value: 'v',
    reason,
  }))
  assert.deepEqual(countRejectionKinds(rejected), [
    ['invalid port', 2],
    ['value is missing', 1],
  ])
})
