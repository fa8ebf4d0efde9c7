import assert from 'node:assert/strict'
import { test } from 'node:test'

import { refang } from './refang.ts'

test('refang bracketed colon and dots', () => {
  const result = refang('hxxps[:]//bad-example[.]com/gate.php')
  assert.equal(result.value, 'https://bad-example.com/gate.php')
  assert.equal(result.defanged, true)
})

test('refang scheme in any letter case', () => {
  assert.equal(
    refang('hxxps://bad-example.com/a').value,
    'https://bad-example.com/a',
  )
  assert.equal(
    refang('HXXPS://bad-example.com/a').value,
    'https://bad-example.com/a',
  )
  assert.equal(
    refang('hXXp://bad-example.com/a').value,
    'http://bad-example.com/a',
  )
})

test('refang ftp scheme', () => {
  assert.equal(refang('fxp://files.example/a').value, 'ftp://files.example/a')
})

test('refang dot forms', () => {
  for (const defanged of [
    'evil[dot]com',
    'evil(dot)com',
    'evil[.]com',
    'evil{.}com',
    'evil{dot}com',
    'evil(.)com',
    'evil[DOT]com',
    'evil [.] com',
  ]) {
    assert.equal(refang(defanged).value, 'evil.com', defanged)
  }
})

test('refang keeps dot inside names', () => {
  for (const name of [
    'www.mdot.example',
    'dot-star.example',
    'hxxp.example',
    'dot.example',
  ]) {
    assert.deepEqual(refang(name), { value: name, defanged: false })
  }
})

test('refang slash and colon forms', () => {
  assert.equal(refang('hxxp[://]evil[.]com[/]a').value, 'http://evil.com/a')
  assert.equal(refang('evil[.]com[:]8080').value, 'evil.com:8080')
})

test('refang at sign only in authority', () => {
  const result = refang('hxxp://user[at]evil[.]com/a?filter[at]=1&x[@]=2')
  assert.equal(result.value, 'http://user@evil.com/a?filter[at]=1&x[@]=2')
})

test('refang leaves bracketed IPv6 alone', () => {
  for (const value of [
    '[2001:db8::1]:8080',
    'http://[::]:80/',
    'http://[2001:db8::1]/a',
  ]) {
    assert.deepEqual(refang(value), { value, defanged: false })
  }
})

test('refang leaves percent escapes alone', () => {
  const value = 'hxxp://45.32.150[.]251/DcBgkhPhBl%2FI%2B47SkwikzA%3D%3D'
  assert.equal(
    refang(value).value,
    'http://45.32.150.251/DcBgkhPhBl%2FI%2B47SkwikzA%3D%3D',
  )
})
