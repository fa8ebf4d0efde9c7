import assert from 'node:assert/strict'
import { test } from 'node:test'

import { normaliseHash } from './normalise-hash.ts'

test('hash lower case', () => {
  assert.equal(
    normaliseHash('0C09C139F79368D432460B08F99610FB', 'md5'),
    '0c09c139f79368d432460b08f99610fb',
  )
})

test('hash lengths per type', () => {
  assert.equal(normaliseHash('a'.repeat(40), 'sha1'), 'a'.repeat(40))
  assert.equal(normaliseHash('b'.repeat(64), 'sha256'), 'b'.repeat(64))
})

test('hash wrong length', () => {
  assert.throws(() => normaliseHash('a'.repeat(63), 'sha256'), {
    reason: 'invalid sha256: expected 64 hex digits, found 63',
  })
  assert.throws(() => normaliseHash('a'.repeat(64), 'md5'), {
    reason: 'invalid md5: expected 32 hex digits, found 64',
  })
})

test('hash non-hex character', () => {
  assert.throws(() => normaliseHash(`${'a'.repeat(31)}g`, 'md5'), {
    reason: 'invalid md5: character "g" at position 31 is not a hex digit',
  })
})
