import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { ipForms, urlForms } from './indicator-forms.ts'
import { testIndicator } from './test-indicators.ts'

describe('ipForms', () => {
  const ipv4 = testIndicator({
    type: 'ip',
    value: '203.0.113.9',
    ipVersion: 4,
    port: 8080,
  })

  test('IPv4 with mapped form', () => {
    assert.deepEqual(ipForms(ipv4, true), {
      canonical: '203.0.113.9',
      alternates: ['::ffff:203.0.113.9'],
    })
  })

  test('IPv4 without mapped form', () => {
    assert.deepEqual(ipForms(ipv4, false).alternates, [])
  })

  test('IPv6 uncompressed forms', () => {
    const ipv6 = testIndicator({
      type: 'ip',
      value: '2001:db8::1',
      ipVersion: 6,
    })
    assert.deepEqual(ipForms(ipv6, true).alternates, [
      '2001:db8:0:0:0:0:0:1',
      '2001:0db8:0000:0000:0000:0000:0000:0001',
    ])
  })

  test('full IPv6 has one other form', () => {
    const value = '2001:db8:1:2:3:4:5:6'
    const ipv6 = testIndicator({ type: 'ip', value, ipVersion: 6 })
    assert.deepEqual(ipForms(ipv6, false).alternates, [
      '2001:0db8:0001:0002:0003:0004:0005:0006',
    ])
  })
})

describe('urlForms', () => {
  test('URL with a path', () => {
    const url = testIndicator({
      type: 'url',
      value: 'http://bad-example.com/gate.php',
    })
    assert.deepEqual(urlForms(url).alternates, ['bad-example.com/gate.php'])
  })

  test('root URL keeps its scheme', () => {
    const url = testIndicator({
      type: 'url',
      value: 'https://bad-example.com/',
    })
    assert.deepEqual(urlForms(url).alternates, ['https://bad-example.com'])
  })

  test('port and trailing backslash kept', () => {
    const url = testIndicator({
      type: 'url',
      value: 'http://203.0.113.7:6600/abc\\',
    })
    assert.deepEqual(urlForms(url).alternates, ['203.0.113.7:6600/abc\\'])
  })
})
