import assert from 'node:assert/strict'
import { test } from 'node:test'

import { normaliseIpEndpoint, parsePort } from './normalise-ip.ts'

test('ip endpoint IPv4 with port', () => {
  assert.deepEqual(normaliseIpEndpoint('203.0.113.9:8080'), {
    address: '203.0.113.9',
    version: 4,
    port: 8080,
  })
})

test('ip endpoint IPv4 without port', () => {
  assert.deepEqual(normaliseIpEndpoint('203.0.113.45'), {
    address: '203.0.113.45',
    version: 4,
  })
})

test('ip endpoint bracketed IPv6 with port', () => {
  assert.deepEqual(normaliseIpEndpoint('[2001:db8::1]:8080'), {
    address: '2001:db8::1',
    version: 6,
    port: 8080,
  })
})

test('ip endpoint bare IPv6', () => {
  assert.deepEqual(normaliseIpEndpoint('2001:db8::1'), {
    address: '2001:db8::1',
    version: 6,
  })
})

test('ip endpoint bracketed IPv6 without port', () => {
  assert.deepEqual(normaliseIpEndpoint('[2001:db8::1]'), {
    address: '2001:db8::1',
    version: 6,
  })
})

test('ip endpoint bare IPv6 is never split', () => {
  // Eight groups: the last one is part of the address, not a port.
  assert.deepEqual(normaliseIpEndpoint('2001:db8:0:0:0:0:1:8080'), {
    address: '2001:db8::1:8080',
    version: 6,
  })
})

test('ip endpoint IPv6 compressed lower case', () => {
  assert.equal(
    normaliseIpEndpoint('2001:0DB8:0000:0000:0000:0000:0000:0001').address,
    '2001:db8::1',
  )
})

test('ip endpoint IPv4-mapped IPv6', () => {
  assert.deepEqual(normaliseIpEndpoint('::ffff:192.0.2.1'), {
    address: '192.0.2.1',
    version: 4,
  })
  assert.deepEqual(normaliseIpEndpoint('[::FFFF:c000:201]:443'), {
    address: '192.0.2.1',
    version: 4,
    port: 443,
  })
})

test('ip endpoint octet above 255', () => {
  assert.throws(() => normaliseIpEndpoint('203.0.300.17:443'), {
    name: 'IndicatorValueError',
    reason:
      'invalid IPv4 address "203.0.300.17": octet 300 is greater than 255',
  })
})

test('ip endpoint leading zero octet', () => {
  assert.throws(() => normaliseIpEndpoint('203.0.113.09'), {
    reason: 'invalid IPv4 address "203.0.113.09": octet 09 has a leading zero',
  })
})

test('ip endpoint wrong octet count', () => {
  assert.throws(() => normaliseIpEndpoint('203.0.113:80'), {
    reason: 'invalid IPv4 address "203.0.113": expected 4 octets, found 3',
  })
  assert.throws(() => normaliseIpEndpoint('203.0.113.9.1'), {
    reason: 'invalid IPv4 address "203.0.113.9.1": expected 4 octets, found 5',
  })
  assert.throws(() => normaliseIpEndpoint('203.0..113'), {
    reason: 'invalid IPv4 address "203.0..113": empty octet',
  })
})

test('ip endpoint host name', () => {
  assert.throws(() => normaliseIpEndpoint('evil.example:443'), {
    reason: 'invalid IP address "evil.example": not an IPv4 or IPv6 address',
  })
})

test('ip endpoint invalid IPv6', () => {
  assert.throws(() => normaliseIpEndpoint('2001:db8:::1'), {
    reason: 'invalid IPv6 address "2001:db8:::1"',
  })
  assert.throws(() => normaliseIpEndpoint('[2001:db8::g]:80'), {
    reason: 'invalid IPv6 address "2001:db8::g"',
  })
})

test('ip endpoint IPv6 zone id', () => {
  assert.throws(() => normaliseIpEndpoint('fe80::1%eth0'), {
    reason: 'invalid IPv6 address "fe80::1%eth0": zone ids are not supported',
  })
})

test('ip endpoint bracketed IPv4', () => {
  assert.throws(() => normaliseIpEndpoint('[203.0.113.9]:80'), {
    reason:
      'invalid bracketed IP address: brackets are only used around IPv6, found "203.0.113.9"',
  })
})

test('ip endpoint text after brackets', () => {
  assert.throws(() => normaliseIpEndpoint('[2001:db8::1]8080'), {
    reason: 'invalid bracketed IP address: expected [IPv6] or [IPv6]:port',
  })
})

test('ip endpoint missing address', () => {
  assert.throws(() => normaliseIpEndpoint(':443'), {
    reason: 'IP address is missing',
  })
})

test('port range limits', () => {
  assert.equal(parsePort('1'), 1)
  assert.equal(parsePort('65535'), 65535)
  for (const text of ['0', '65536', '', '80a', '-1', '123456']) {
    assert.throws(() => parsePort(text), {
      reason: `invalid port "${text}": expected a number from 1 to 65535`,
    })
  }
})

test('ip endpoint invalid port', () => {
  assert.throws(() => normaliseIpEndpoint('203.0.113.9:0'), {
    reason: 'invalid port "0": expected a number from 1 to 65535',
  })
  assert.throws(() => normaliseIpEndpoint('[2001:db8::1]:70000'), {
    reason: 'invalid port "70000": expected a number from 1 to 65535',
  })
})
