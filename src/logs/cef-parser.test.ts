import assert from 'node:assert/strict'
import { test } from 'node:test'

import {
  CefSyntaxError,
  parseCefExtension,
  parseCefLine,
} from './cef-parser.ts'

test('CEF header escapes', () => {
  const record = parseCefLine(
    'CEF:0|Ven\\|dor|Pro\\\\duct|1.0|100|a \\| b|5|src=10.0.0.1',
  )
  assert.equal(record.deviceVendor, 'Ven|dor')
  assert.equal(record.deviceProduct, 'Pro\\duct')
  assert.equal(record.name, 'a | b')
  assert.equal(record.severity, '5')
  assert.deepEqual(record.extensions, [['src', '10.0.0.1']])
})

test('CEF syslog header kept apart', () => {
  const record = parseCefLine(
    '<14>Sep 18 14:58:29 host app: CEF:0|V|P|1|2|N|3|',
  )
  assert.equal(record.syslogHeader, '<14>Sep 18 14:58:29 host app:')
  assert.deepEqual(record.extensions, [])
})

test('CEF extension escapes', () => {
  assert.deepEqual(
    parseCefExtension(
      'request=http://h/p?a\\=b msg=line1\\nline2\\r act=back\\\\slash',
    ),
    [
      ['request', 'http://h/p?a=b'],
      ['msg', 'line1\nline2\r'],
      ['act', 'back\\slash'],
    ],
  )
})

test('CEF values run to the next key', () => {
  assert.deepEqual(
    parseCefExtension('act=blocked a | dst=1.1.1.1 msg=two words here'),
    [
      ['act', 'blocked a |'],
      ['dst', '1.1.1.1'],
      ['msg', 'two words here'],
    ],
  )
})

test('CEF escaped = is no key', () => {
  assert.deepEqual(parseCefExtension('qstr=p\\=%2fetc cs1=x'), [
    ['qstr', 'p=%2fetc'],
    ['cs1', 'x'],
  ])
})

test('CEF short header rejected', () => {
  assert.throws(() => parseCefLine('CEF:0|V|P|1|2'), CefSyntaxError)
})

test('CEF text before first key rejected', () => {
  assert.throws(() => parseCefExtension('junk src=1'), /has no key=/)
})
