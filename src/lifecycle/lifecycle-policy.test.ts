import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import {
  DEFAULT_LIFECYCLE_POLICY,
  expiryClassOf,
  LifecycleConfigError,
  readLifecycleFile,
  resolveLifecyclePolicy,
} from './lifecycle-policy.ts'

const tempDir = mkdtempSync(join(tmpdir(), 'huntpack-policy-'))
after(() => rmSync(tempDir, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const path = join(tempDir, name)
  writeFileSync(path, text)
  return path
}

describe('lifecycle policy', () => {
  test('defaults', () => {
    assert.deepEqual(DEFAULT_LIFECYCLE_POLICY, {
      expiryDays: { ip: 30, domain: 90, url: 90, hash: 365 },
      minConfidence: 0,
    })
  })

  test('hash types share one class', () => {
    assert.deepEqual(
      ['md5', 'sha1', 'sha256', 'ip'].map((type) =>
        expiryClassOf(type as 'ip'),
      ),
      ['hash', 'hash', 'hash', 'ip'],
    )
  })

  test('YAML file overrides some fields', () => {
    const policy = readLifecycleFile(
      file('partial.yaml', 'expiryDays:\n  ip: 14\nminConfidence: 75\n'),
    )
    assert.deepEqual(policy, {
      expiryDays: { ip: 14, domain: 90, url: 90, hash: 365 },
      minConfidence: 75,
    })
  })

  test('JSON file is read too', () => {
    const policy = readLifecycleFile(
      file('policy.json', '{"expiryDays": {"hash": 730}}'),
    )
    assert.equal(policy.expiryDays.hash, 730)
  })

  test('empty file keeps defaults', () => {
    assert.deepEqual(
      readLifecycleFile(file('empty.yaml', '')),
      DEFAULT_LIFECYCLE_POLICY,
    )
  })

  test('invalid field names file and field', () => {
    const path = file('bad.yaml', 'expiryDays:\n  ip: 0\n  email: 5\n')
    assert.throws(
      () => readLifecycleFile(path),
      (error: unknown) => {
        assert.ok(error instanceof LifecycleConfigError)
        assert.match(
          error.message,
          new RegExp(`^Lifecycle file ${path} is invalid: `),
        )
        assert.match(error.message, /expiryDays\.ip: /)
        assert.match(error.message, /email/)
        return true
      },
    )
  })

  test('invalid YAML', () => {
    assert.throws(
      () => readLifecycleFile(file('broken.yaml', 'expiryDays: [\n')),
      LifecycleConfigError,
    )
  })

  test('command line confidence wins', () => {
    const path = file('conf.yaml', 'minConfidence: 50\n')
    assert.equal(
      resolveLifecyclePolicy({ file: path, minConfidence: 90 }).minConfidence,
      90,
    )
  })
})
