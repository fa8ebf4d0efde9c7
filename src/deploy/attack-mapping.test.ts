import assert from 'node:assert/strict'
import { test } from 'node:test'

import { attackMappingFor, tacticsOfTechniques } from './attack-mapping.ts'

test('attackMappingFor maps botnet_cc to T1071', () => {
  assert.deepEqual(attackMappingFor(['botnet_cc']), {
    tactics: ['CommandAndControl'],
    techniques: ['T1071'],
  })
})

test('attackMappingFor maps payload_delivery', () => {
  assert.deepEqual(attackMappingFor(['payload_delivery']), {
    tactics: ['Execution', 'CommandAndControl'],
    techniques: ['T1105', 'T1204'],
  })
})

test('attackMappingFor maps payload to T1204', () => {
  assert.deepEqual(attackMappingFor(['payload']), {
    tactics: ['Execution'],
    techniques: ['T1204'],
  })
})

test('attackMappingFor maps cc_skimming to both tactics', () => {
  assert.deepEqual(attackMappingFor(['cc_skimming']), {
    tactics: ['CredentialAccess', 'Collection'],
    techniques: ['T1056'],
  })
})

test('attackMappingFor merges threat types', () => {
  assert.deepEqual(
    attackMappingFor(['botnet_cc', 'payload_delivery', 'botnet_cc']),
    {
      tactics: ['Execution', 'CommandAndControl'],
      techniques: ['T1071', 'T1105', 'T1204'],
    },
  )
})

test('attackMappingFor ignores unknown types', () => {
  assert.deepEqual(attackMappingFor(['not_a_type']), {
    tactics: [],
    techniques: [],
  })
})

test('tacticsOfTechniques reads sub-techniques', () => {
  assert.deepEqual(tacticsOfTechniques(['T1204.002']), ['Execution'])
})
