import assert from 'node:assert/strict'
import { test } from 'node:test'

import { normaliseValue } from './normalise-value.ts'

test('value defanged URL becomes one URL', () => {
  assert.deepEqual(
    normaliseValue('url', 'hxxps[:]//bad-example[.]com/gate.php'),
    {
      value: 'https://bad-example.com/gate.php',
      url: {
        scheme: 'https',
        host: 'bad-example.com',
        pathAndQuery: '/gate.php',
      },
      defanged: true,
    },
  )
})

test('value defanged schemes keep security', () => {
  assert.equal(
    normaliseValue('url', 'hxxps://bad-example.com/a').value,
    'https://bad-example.com/a',
  )
  assert.equal(
    normaliseValue('url', 'HXXPS://bad-example.com/a').value,
    'https://bad-example.com/a',
  )
  assert.equal(
    normaliseValue('url', 'hXXp://bad-example.com/a').value,
    'http://bad-example.com/a',
  )
})

test('value defanged IPv4 without port', () => {
  assert.deepEqual(normaliseValue('ip', '203.0.113[.]45'), {
    value: '203.0.113.45',
    ipVersion: 4,
    defanged: true,
  })
})

test('value defanged domain forms', () => {
  for (const raw of [
    'evil[dot]com',
    'evil(dot)com',
    'evil[.]com',
    'evil{.}com',
  ]) {
    assert.deepEqual(
      normaliseValue('domain', raw),
      { value: 'evil.com', defanged: true },
      raw,
    )
  }
})

test('value domain with dot letters unchanged', () => {
  for (const raw of ['www.mdot.example', 'dot-star.example']) {
    assert.deepEqual(normaliseValue('domain', raw), {
      value: raw,
      defanged: false,
    })
  }
})

test('value ip with port', () => {
  assert.deepEqual(normaliseValue('ip', '203.0.113.9:8080'), {
    value: '203.0.113.9',
    ipVersion: 4,
    port: 8080,
    defanged: false,
  })
})

test('value URL with newline rejected', () => {
  assert.throws(() => normaliseValue('url', 'http://bad-example.com/a\nb'), {
    reason: 'value contains a newline (U+000A) at position 24',
  })
})

test('value control characters named', () => {
  assert.throws(() => normaliseValue('url', 'http://a.example/\tb'), {
    reason: 'value contains a tab (U+0009) at position 17',
  })
  assert.throws(() => normaliseValue('domain', 'evil\0.example'), {
    reason: 'value contains a NUL (U+0000) at position 4',
  })
  assert.throws(() => normaliseValue('url', 'http://a.example/\u0085'), {
    reason: 'value contains a control character (U+0085) at position 17',
  })
  assert.throws(() => normaliseValue('url', 'http://a.example/\u2028'), {
    reason: 'value contains a line separator (U+2028) at position 17',
  })
})

test('value surrounding spaces trimmed', () => {
  assert.equal(
    normaliseValue('domain', '  evil.example ').value,
    'evil.example',
  )
})

test('value missing', () => {
  assert.throws(() => normaliseValue('domain', '  '), {
    reason: 'value is missing',
  })
})

test('value hash not refanged', () => {
  assert.deepEqual(normaliseValue('sha1', 'A'.repeat(40)), {
    value: 'a'.repeat(40),
    defanged: false,
  })
})
