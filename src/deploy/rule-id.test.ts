import assert from 'node:assert/strict'
import { test } from 'node:test'

import { ruleId, uuidV5 } from './rule-id.ts'

// RFC 4122 appendix C namespace for DNS names; Python's
// uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') gives this value.
const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'

test('uuidV5 matches a known vector', () => {
  assert.equal(
    uuidV5('python.org', DNS_NAMESPACE),
    '886313e1-3b8a-5372-9b90-0c9aee199e5d',
  )
})

test('ruleId is stable for the same identity', () => {
  const identity = {
    family: 'Cobalt Strike',
    table: 'CommonSecurityLog',
    observable: 'ip-port',
    chunk: 2,
    kind: 'scheduled',
  }
  assert.equal(ruleId(identity), ruleId({ ...identity }))
  assert.match(
    ruleId(identity),
    /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  )
})

test('ruleId differs for each part', () => {
  const base = {
    family: 'Cobalt Strike',
    table: 'CommonSecurityLog',
    observable: 'ip-port',
    chunk: 2,
    kind: 'scheduled',
  }
  const ids = new Set([
    ruleId(base),
    ruleId({ ...base, family: 'DCRat' }),
    ruleId({ ...base, table: 'DeviceNetworkEvents' }),
    ruleId({ ...base, observable: 'ip' }),
    ruleId({ ...base, chunk: 3 }),
    ruleId({ ...base, kind: 'watchlist' }),
  ])
  assert.equal(ids.size, 6)
})
