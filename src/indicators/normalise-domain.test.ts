import assert from 'node:assert/strict'
import { test } from 'node:test'

import { normaliseDomain } from './normalise-domain.ts'

test('domain lower case', () => {
  assert.equal(
    normaliseDomain('SerdyuK2-50934.portmap.host'),
    'serdyuk2-50934.portmap.host',
  )
})

test('domain trailing dot removed', () => {
  assert.equal(normaliseDomain('evil.example.'), 'evil.example')
})

test('domain IDN to punycode', () => {
  assert.equal(normaliseDomain('Bücher.example'), 'xn--bcher-kva.example')
})

test('domain underscore and edge hyphen accepted', () => {
  assert.equal(normaliseDomain('my_host.duckdns.org'), 'my_host.duckdns.org')
  assert.equal(normaliseDomain('-start.example'), '-start.example')
})

test('domain names containing dot letters', () => {
  assert.equal(normaliseDomain('www.mdot.example'), 'www.mdot.example')
  assert.equal(normaliseDomain('dot-star.example'), 'dot-star.example')
})

test('domain that is an IPv4 address', () => {
  assert.throws(() => normaliseDomain('203.0.113.45'), {
    reason: '"203.0.113.45" has the form of an IP address, not a domain name',
  })
})

test('domain that is an IPv4 address in hex', () => {
  assert.throws(() => normaliseDomain('0x7f.1'), {
    reason: '"127.0.0.1" has the form of an IP address, not a domain name',
  })
})

test('domain that is an invalid IPv4 address', () => {
  assert.throws(() => normaliseDomain('203.0.113.300'), {
    reason: '"203.0.113.300" has the form of an IP address, not a domain name',
  })
})

test('domain that is an IPv6 address', () => {
  assert.throws(() => normaliseDomain('2001:db8::1'), {
    reason: '"2001:db8::1" has the form of an IP address, not a domain name',
  })
})

test('domain with one label', () => {
  assert.throws(() => normaliseDomain('localhost'), {
    reason: 'invalid domain "localhost": expected at least two labels',
  })
})

test('domain with empty label', () => {
  assert.throws(() => normaliseDomain('evil..example'), {
    reason: 'invalid domain "evil..example": empty label',
  })
})

test('domain label of 64 characters', () => {
  const label = 'a'.repeat(64)
  assert.equal(normaliseDomain(`${'a'.repeat(63)}.example`).length, 71)
  assert.throws(() => normaliseDomain(`${label}.example`), {
    reason: `invalid domain "${label}.example": label of 64 characters, the maximum is 63`,
  })
})

test('domain of 254 characters', () => {
  const domain = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(59)}.ex`
  assert.equal(domain.length, 254)
  assert.throws(() => normaliseDomain(domain), {
    reason: 'invalid domain: 254 characters, the maximum is 253',
  })
  assert.equal(normaliseDomain(domain.slice(1)), domain.slice(1))
})

test('domain with invalid character', () => {
  assert.throws(() => normaliseDomain('a!b.example'), {
    reason: 'invalid domain "a!b.example": character "!" is not allowed',
  })
  assert.throws(() => normaliseDomain('*.example'), {
    reason: 'invalid domain "*.example": character "*" is not allowed',
  })
})

test('domain with port', () => {
  assert.throws(() => normaliseDomain('evil.example:443'), {
    reason: 'invalid domain "evil.example:443": not a valid host name',
  })
})

test('domain with numeric last label', () => {
  assert.throws(() => normaliseDomain('evil.example.123'), {
    reason: 'invalid domain "evil.example.123": not a valid host name',
  })
})
