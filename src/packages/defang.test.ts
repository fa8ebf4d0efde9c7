import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Indicator } from '../indicators/indicator.ts'
import { defangIndicator } from './defang.ts'

function indicator(
  fields: Partial<Indicator> & Pick<Indicator, 'type' | 'value'>,
): Indicator {
  return {
    key: `${fields.type}|${fields.value}`,
    family: 'Test',
    aliases: [],
    threatType: 'botnet_cc',
    firstSeen: '2026-05-23T00:00:00Z',
    confidence: 100,
    tags: [],
    references: [],
    defanged: false,
    origins: [],
    ...fields,
  }
}

test('defang IPv4 with port', () => {
  const ip = indicator({
    type: 'ip',
    value: '94.26.90.55',
    ipVersion: 4,
    port: 8888,
  })
  assert.equal(defangIndicator(ip), '94[.]26[.]90[.]55:8888')
})

test('defang IPv4 without port', () => {
  const ip = indicator({ type: 'ip', value: '203.0.113.45', ipVersion: 4 })
  assert.equal(defangIndicator(ip), '203[.]0[.]113[.]45')
})

test('defang IPv6 with port', () => {
  const ip = indicator({
    type: 'ip',
    value: '2001:db8::1',
    ipVersion: 6,
    port: 8080,
  })
  assert.equal(defangIndicator(ip), '[2001[:]db8[:][:]1]:8080')
})

test('defang IPv6 without port', () => {
  const ip = indicator({ type: 'ip', value: '2001:db8::1', ipVersion: 6 })
  assert.equal(defangIndicator(ip), '2001[:]db8[:][:]1')
})

test('defang domain', () => {
  assert.equal(
    defangIndicator(indicator({ type: 'domain', value: 'evil.example' })),
    'evil[.]example',
  )
})

test('defang https URL', () => {
  const url = indicator({ type: 'url', value: 'https://evil.example/x' })
  assert.equal(defangIndicator(url), 'hxxps://evil[.]example/x')
})

test('defang http URL with path dots', () => {
  const url = indicator({
    type: 'url',
    value: 'http://203.0.113.7:6600/gate.php',
  })
  assert.equal(defangIndicator(url), 'hxxp://203[.]0[.]113[.]7:6600/gate[.]php')
})

test('defang URL with embedded URL', () => {
  const url = indicator({
    type: 'url',
    value: 'https://a.example/r?u=http://b.example/',
  })
  assert.equal(
    defangIndicator(url),
    'hxxps://a[.]example/r?u=hxxp://b[.]example/',
  )
})

test('defang other scheme keeps it', () => {
  const url = indicator({ type: 'url', value: 'tcp://evil.example:443' })
  assert.equal(defangIndicator(url), 'tcp://evil[.]example:443')
})

test('defang keeps hashes', () => {
  const hash = 'a'.repeat(64)
  assert.equal(
    defangIndicator(indicator({ type: 'sha256', value: hash })),
    hash,
  )
})
