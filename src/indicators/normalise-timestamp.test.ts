import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { normaliseTimestamp } from './normalise-timestamp.ts'

const MODULE_URL = new URL('./normalise-timestamp.ts', import.meta.url).href

// Runs normaliseTimestamp in a child process with the time zone `zone`.
function normaliseInZone(zone: string, text: string): string {
  const script = `import { normaliseTimestamp } from ${JSON.stringify(MODULE_URL)}
process.stdout.write(normaliseTimestamp(${JSON.stringify(text)}))`
  return execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', script],
    {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, TZ: zone },
      encoding: 'utf8',
    },
  )
}

test('timestamp without zone is UTC', () => {
  assert.equal(
    normaliseTimestamp('2026-04-11 19:37:36'),
    '2026-04-11T19:37:36Z',
  )
})

test('timestamp same in every time zone', () => {
  for (const zone of [
    'Pacific/Kiritimati',
    'America/Los_Angeles',
    'Asia/Kolkata',
  ]) {
    assert.equal(
      normaliseInZone(zone, '2026-04-11 19:37:36'),
      '2026-04-11T19:37:36Z',
      zone,
    )
  }
})

test('timestamp UTC suffix', () => {
  assert.equal(
    normaliseTimestamp('2022-01-07 16:29:58 UTC'),
    '2022-01-07T16:29:58Z',
  )
})

test('timestamp ISO forms', () => {
  assert.equal(
    normaliseTimestamp('2026-04-11T19:37:36Z'),
    '2026-04-11T19:37:36Z',
  )
  assert.equal(
    normaliseTimestamp('2026-04-11T19:37:36.789Z'),
    '2026-04-11T19:37:36Z',
  )
  assert.equal(
    normaliseTimestamp('2026-04-11T21:37:36+02:00'),
    '2026-04-11T19:37:36Z',
  )
  assert.equal(
    normaliseTimestamp('2026-04-11T00:07:36-0530'),
    '2026-04-11T05:37:36Z',
  )
  assert.equal(
    normaliseTimestamp('2026-01-01T01:00:00+02:00'),
    '2025-12-31T23:00:00Z',
  )
})

test('timestamp invalid form', () => {
  for (const text of [
    '2026-04-11',
    '11/04/2026 19:37:36',
    'yesterday',
    '2026-4-11 19:37:36',
  ]) {
    assert.throws(() => normaliseTimestamp(text), {
      reason: `invalid timestamp "${text}": expected YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601`,
    })
  }
})

test('timestamp date that does not exist', () => {
  for (const text of [
    '2026-02-29 10:00:00',
    '2026-04-11 24:00:00',
    '2026-13-01 00:00:00',
    '2026-04-11 19:60:00',
  ]) {
    assert.throws(() => normaliseTimestamp(text), {
      reason: `invalid timestamp "${text}": no such date or time`,
    })
  }
  assert.equal(
    normaliseTimestamp('2028-02-29 10:00:00'),
    '2028-02-29T10:00:00Z',
  )
})

test('timestamp invalid offset', () => {
  assert.throws(() => normaliseTimestamp('2026-04-11T19:37:36+25:00'), {
    reason:
      'invalid timestamp "2026-04-11T19:37:36+25:00": no such UTC offset +25:00',
  })
})
