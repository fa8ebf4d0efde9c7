import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { orderIndicators, planFamilyHunts } from './plan-family-hunts.ts'
import { testIndicator } from './test-indicators.ts'

const withPort = testIndicator({
  type: 'ip',
  value: '203.0.113.9',
  ipVersion: 4,
  port: 8080,
})
const withoutPort = testIndicator({
  type: 'ip',
  value: '203.0.113.9',
  ipVersion: 4,
})
const domain = testIndicator({ type: 'domain', value: 'bad-example.com' })

describe('planFamilyHunts', () => {
  const planned = planFamilyHunts('Test', [domain, withoutPort, withPort])

  test('one hunt per table and observable', () => {
    assert.deepEqual(
      planned.map((hunt) => `${hunt.spec.table}-${hunt.spec.observable}`),
      [
        'CommonSecurityLog-ip-port',
        'DeviceNetworkEvents-ip-port',
        '_Im_NetworkSession-ip-port',
        'CommonSecurityLog-ip',
        'DeviceNetworkEvents-ip',
        '_Im_NetworkSession-ip',
        'CommonSecurityLog-domain',
        'DeviceNetworkEvents-domain',
        'DnsEvents-domain',
        '_Im_Dns-domain',
        '_Im_NetworkSession-domain',
        '_Im_WebSession-domain',
      ],
    )
  })

  test('ip with port goes to ip-port', () => {
    assert.deepEqual(planned[0].indicators, [withPort])
  })

  test('ip without port goes to ip', () => {
    assert.deepEqual(planned[3].indicators, [withoutPort])
  })

  test('no hunt without indicators', () => {
    assert.ok(planned.every((hunt) => hunt.indicators.length > 0))
  })

  test('family is kept', () => {
    assert.ok(planned.every((hunt) => hunt.spec.family === 'Test'))
  })
})

describe('orderIndicators', () => {
  test('sorts by key and drops duplicates', () => {
    const copy = { ...withPort, confidence: 50 }
    assert.deepEqual(orderIndicators([withPort, domain, copy]), [
      domain,
      withPort,
    ])
  })
})
