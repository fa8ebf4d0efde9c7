import assert from 'node:assert/strict'
import { test } from 'node:test'

import { detectLogFormat } from './detect-log-format.ts'
import { UnknownLogFormatError } from './log-errors.ts'

test('CEF after a syslog header', () => {
  assert.deepEqual(
    detectLogFormat(
      '<14>Sep 18 14:58:29 host x: CEF:0|a|b|c|d|e|1|src=1.2.3.4\n',
      'f',
    ),
    { format: 'cef' },
  )
})

test('CEF after a corrupt first line', () => {
  assert.deepEqual(detectLogFormat('garbage\nCEF:0|a|b|c|d|e|1|\n', 'f'), {
    format: 'cef',
  })
})

test('Zeek JSON path from fields', () => {
  const line =
    '{"ts":1541117137.6,"uid":"C1","id.orig_h":"1.1.1.1","query":"a.com","qtype":1,"rcode":0}\n'
  assert.deepEqual(detectLogFormat(line, 'f'), {
    format: 'zeek-json',
    zeekPath: 'dns',
  })
})

test('Zeek JSON _path wins', () => {
  assert.deepEqual(
    detectLogFormat('{"_path":"ssl","ts":1,"uid":"C1"}\n', 'f'),
    { format: 'zeek-json', zeekPath: 'ssl' },
  )
})

test('Zeek TSV path without mapping', () => {
  const text = '#separator \\x09\n#path\tx509\n#fields\tts\tid\n'
  assert.throws(
    () => detectLogFormat(text, 'x509.log'),
    (error: unknown) => {
      assert.ok(error instanceof UnknownLogFormatError)
      assert.match(
        error.message,
        /^x509\.log: unknown log format \(Zeek log path "x509" has no table mapping/,
      )
      return true
    },
  )
})

test('Defender JSON array', () => {
  const text =
    '[\n  {\n    "Timestamp": "2024-01-01T00:00:00Z",\n    "DeviceName": "pc",\n    "ActionType": "ConnectionSuccess"\n  }\n]\n'
  assert.deepEqual(detectLogFormat(text, 'f'), { format: 'defender-json' })
})

test('Sysmon Winlogbeat record', () => {
  const line =
    '{"@timestamp":"2024-01-01T00:00:00Z","winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":3}}\n'
  assert.deepEqual(detectLogFormat(line, 'f'), { format: 'sysmon-json' })
})

test('blank text is empty', () => {
  assert.deepEqual(detectLogFormat('\n  \n', 'f'), { format: 'empty' })
})

test('unknown JSON lists its keys', () => {
  assert.throws(
    () => detectLogFormat('{"a":1,"b":2}\n', 'data.json'),
    /data\.json: unknown log format \(JSON records with keys a, b match no supported format\)/,
  )
})

test('plain text is unknown', () => {
  assert.throws(
    () => detectLogFormat('hello\n', 'notes.txt'),
    /Supported formats: CommonSecurityLog CSV export/,
  )
})
