import assert from 'node:assert/strict'
import { test } from 'node:test'

import { normaliseUrl } from './normalise-url.ts'

test('url trailing backslash kept', () => {
  assert.deepEqual(normaliseUrl('http://203.0.113.7:6600/abc\\'), {
    value: 'http://203.0.113.7:6600/abc\\',
    parts: {
      scheme: 'http',
      host: '203.0.113.7',
      port: 6600,
      pathAndQuery: '/abc\\',
    },
  })
})

test('url quotes, pipe and double slash kept', () => {
  const value = `http://bad-example.com/a"b'c\\d|e//f?q="x"|'y'`
  assert.equal(normaliseUrl(value).value, value)
})

test('url percent escapes kept', () => {
  const value =
    'http://45.32.150.251/darwin-universal/eS7NGXnATAMvSxCvb5IR1w%3D%3D?wallet=trezor'
  assert.equal(normaliseUrl(value).value, value)
  assert.equal(
    normaliseUrl('http://a.example/%7e%7E').value,
    'http://a.example/%7e%7E',
  )
})

test('url path case kept', () => {
  assert.equal(
    normaliseUrl('HTTPS://Bad-Example.COM/Gate.PHP?ID=A').value,
    'https://bad-example.com/Gate.PHP?ID=A',
  )
})

test('url IDN host to punycode', () => {
  assert.deepEqual(normaliseUrl('http://Bücher.example/ü'), {
    value: 'http://xn--bcher-kva.example/ü',
    parts: {
      scheme: 'http',
      host: 'xn--bcher-kva.example',
      pathAndQuery: '/ü',
    },
  })
})

test('url default port dropped', () => {
  assert.deepEqual(normaliseUrl('https://a.example:443/x'), {
    value: 'https://a.example/x',
    parts: { scheme: 'https', host: 'a.example', pathAndQuery: '/x' },
  })
})

test('url explicit port kept', () => {
  const result = normaliseUrl('https://a.example:8443/x')
  assert.equal(result.value, 'https://a.example:8443/x')
  assert.equal(result.parts.port, 8443)
})

test('url empty path becomes slash', () => {
  assert.equal(
    normaliseUrl('https://claudepage.pages.dev').value,
    'https://claudepage.pages.dev/',
  )
  assert.equal(
    normaliseUrl('https://a.example?q=1').value,
    'https://a.example/?q=1',
  )
})

test('url IPv6 host', () => {
  assert.deepEqual(normaliseUrl('http://[2001:DB8:0::1]:8080/x'), {
    value: 'http://[2001:db8::1]:8080/x',
    parts: {
      scheme: 'http',
      host: '2001:db8::1',
      port: 8080,
      pathAndQuery: '/x',
    },
  })
})

test('url IPv4 host in hex', () => {
  assert.equal(normaliseUrl('http://0x7f.1/a').value, 'http://127.0.0.1/a')
})

test('url user info kept', () => {
  const result = normaliseUrl('ftp://user:pass@Files.Example:2121/a')
  assert.equal(result.value, 'ftp://user:pass@files.example:2121/a')
  assert.equal(result.parts.host, 'files.example')
})

test('url other scheme keeps port', () => {
  assert.deepEqual(normaliseUrl('TCP://Evil.Example:80'), {
    value: 'tcp://evil.example:80',
    parts: { scheme: 'tcp', host: 'evil.example', port: 80, pathAndQuery: '' },
  })
})

test('url backslash after host kept', () => {
  const result = normaliseUrl('http://evil.example\\gate.php')
  assert.equal(result.value, 'http://evil.example\\gate.php')
  assert.equal(result.parts.pathAndQuery, '\\gate.php')
})

test('url missing scheme', () => {
  assert.throws(() => normaliseUrl('bad-example.com/gate.php'), {
    reason: 'invalid URL: missing scheme, expected for example "http://"',
  })
})

test('url scheme without slashes', () => {
  assert.throws(() => normaliseUrl('mailto:a@example.com'), {
    reason: 'invalid URL: expected "//" and a host after the scheme',
  })
})

test('url missing host', () => {
  assert.throws(() => normaliseUrl('http:///gate.php'), {
    reason: 'invalid URL: no host',
  })
})

test('url invalid host', () => {
  assert.throws(() => normaliseUrl('http://bad host.example/'), {
    reason: 'invalid URL host "bad host.example"',
  })
  assert.throws(() => normaliseUrl('http://intranet/'), {
    reason: 'invalid domain "intranet": expected at least two labels',
  })
})

test('url invalid port', () => {
  assert.throws(() => normaliseUrl('http://a.example:99999/'), {
    reason: 'invalid port "99999": expected a number from 1 to 65535',
  })
})
