import assert from 'node:assert/strict'
import { test } from 'node:test'

import { findIndicatorCandidates } from './find-indicator-candidates.ts'
import { readFreeText } from './free-text.ts'
import { isFileExtensionTld, isKnownTld } from './known-tlds.ts'

const SOURCE = { file: 'report.txt' }
const OPTIONS = { firstSeen: '2026-05-01T00:00:00Z' }

function candidates(line: string): Array<[string, string]> {
  return findIndicatorCandidates(line).map((item) => [
    item.feedType,
    item.value,
  ])
}

test('free text defanged URL', () => {
  assert.deepEqual(candidates('C2 at hxxps[:]//bad-example[.]com/gate.php.'), [
    ['url', 'hxxps[:]//bad-example[.]com/gate.php'],
  ])
})

test('free text defanged schemes', () => {
  assert.deepEqual(
    candidates(
      'hxxps://bad-example.com/a HXXPS://bad-example.com/a hXXp://bad-example.com/a',
    ),
    [
      ['url', 'hxxps://bad-example.com/a'],
      ['url', 'HXXPS://bad-example.com/a'],
      ['url', 'hXXp://bad-example.com/a'],
    ],
  )
})

test('free text defanged IP without scheme', () => {
  assert.deepEqual(candidates('Beacon to 203.0.113[.]45, then sleep'), [
    ['ip', '203.0.113[.]45'],
  ])
})

test('free text defanged domains', () => {
  assert.deepEqual(
    candidates('evil[dot]com evil(dot)com evil[.]com evil{.}com evil [.] com'),
    [
      ['domain', 'evil[dot]com'],
      ['domain', 'evil(dot)com'],
      ['domain', 'evil[.]com'],
      ['domain', 'evil{.}com'],
      ['domain', 'evil[.]com'],
    ],
  )
  assert.deepEqual(candidates('www.mdot.example.com dot-star.example.org'), [
    ['domain', 'www.mdot.example.com'],
    ['domain', 'dot-star.example.org'],
  ])
})

test('free text addresses with ports', () => {
  assert.deepEqual(
    candidates(
      '203.0.113.9:8080 [2001:db8::1]:8080 2001:db8::1 (198.51.100.7)',
    ),
    [
      ['ip:port', '203.0.113.9:8080'],
      ['ip:port', '[2001:db8::1]:8080'],
      ['ip', '2001:db8::1'],
      ['ip', '198.51.100.7'],
    ],
  )
})

test('free text invalid address is a candidate', () => {
  assert.deepEqual(candidates('bad octet 203.0.300.17'), [
    ['ip', '203.0.300.17'],
  ])
})

test('free text not addresses', () => {
  assert.deepEqual(
    candidates('at 10:32:07 on ::1 and fe80::1, build 10.0.19041.1, v1.2.3'),
    [],
  )
})

test('free text hashes by length', () => {
  assert.deepEqual(
    candidates(
      'MD5 b8a89ec3fffab735bb689532f1d2410f SHA1=0F01136F38EA50A6BEBFD58C181622AD00C40723 sha256:991993be4623d5317e4ff9ba034fabeffcc81ec70c65ff7067fd68a7cfb13b28 and 0123456789abcdef',
    ),
    [
      ['md5_hash', 'b8a89ec3fffab735bb689532f1d2410f'],
      ['sha1_hash', '0F01136F38EA50A6BEBFD58C181622AD00C40723'],
      [
        'sha256_hash',
        '991993be4623d5317e4ff9ba034fabeffcc81ec70c65ff7067fd68a7cfb13b28',
      ],
    ],
  )
})

test('free text file names are not domains', () => {
  assert.deepEqual(
    candidates(
      'dropped payload.exe, version.txt, jquery.min.js, setup.py, run.sh, invoice.zip and notes.one',
    ),
    [],
  )
})

test('free text file extension TLD when defanged', () => {
  assert.deepEqual(candidates('update[.]zip and cdn.update.zip'), [
    ['domain', 'update[.]zip'],
    ['domain', 'cdn.update.zip'],
  ])
})

test('free text unknown TLD only when defanged', () => {
  assert.deepEqual(candidates('a.notatld and b[.]notatld'), [
    ['domain', 'b[.]notatld'],
  ])
})

test('free text code names are not domains', () => {
  assert.deepEqual(candidates('uses System.IO and System.Net'), [])
})

test('free text path without scheme', () => {
  assert.deepEqual(
    candidates('evil[.]com/gate.php and 203.0.113.9:8080/x[/]y'),
    [
      ['domain', 'evil[.]com'],
      ['ip:port', '203.0.113.9:8080'],
    ],
  )
})

test('free text domain with port', () => {
  assert.deepEqual(
    candidates('c2.bad-example.com:443 and bad-example[.]net[:]8080/x'),
    [
      ['domain', 'c2.bad-example.com'],
      ['domain', 'bad-example[.]net'],
    ],
  )
})

test('free text e-mail is not an indicator', () => {
  assert.deepEqual(candidates('mail admin@bad-example.com or a[at]b[.]com'), [])
})

test('free text Markdown and quotes', () => {
  assert.deepEqual(
    candidates(
      '**cryptomeshforge10.lol** `c2.bad-example.net` "bad-example.org";',
    ),
    [
      ['domain', 'cryptomeshforge10.lol'],
      ['domain', 'c2.bad-example.net'],
      ['domain', 'bad-example.org'],
    ],
  )
})

test('free text IDN domain', () => {
  assert.deepEqual(candidates('пример.рф'), [['domain', 'пример.рф']])
})

test('free text records', () => {
  const records = readFreeText(
    'Report\n\nC2: 203.0.113[.]9:443\nHash: b8a89ec3fffab735bb689532f1d2410f\n',
    SOURCE,
    OPTIONS,
  )
  assert.deepEqual(records, [
    {
      origin: {
        feed: 'text',
        file: 'report.txt',
        recordId: 'line 3',
        rawValue: '203.0.113[.]9:443',
      },
      feedType: 'ip:port',
      value: '203.0.113[.]9:443',
      aliases: [],
      tags: [],
      references: [],
      firstSeen: '2026-05-01T00:00:00Z',
      confidence: 50,
    },
    {
      origin: {
        feed: 'text',
        file: 'report.txt',
        recordId: 'line 4',
        rawValue: 'b8a89ec3fffab735bb689532f1d2410f',
      },
      feedType: 'md5_hash',
      value: 'b8a89ec3fffab735bb689532f1d2410f',
      aliases: [],
      tags: [],
      references: [],
      firstSeen: '2026-05-01T00:00:00Z',
      confidence: 50,
    },
  ])
})

test('free text options', () => {
  const [record] = readFreeText('198.51.100.3', SOURCE, {
    family: 'DCRat',
    threatType: 'botnet_cc',
    confidence: 90,
    firstSeen: '2026-05-01T00:00:00Z',
  })
  assert.equal(record.family, 'DCRat')
  assert.equal(record.threatType, 'botnet_cc')
  assert.equal(record.confidence, 90)
})

test('free text without indicators', () => {
  assert.deepEqual(readFreeText('nothing to see here.\n', SOURCE, OPTIONS), [])
})

test('free text TLD list', () => {
  assert.equal(isKnownTld('com'), true)
  assert.equal(isKnownTld('xn--p1ai'), true)
  assert.equal(isKnownTld('onion'), true)
  assert.equal(isKnownTld('exe'), false)
  assert.equal(isKnownTld('example'), false)
  assert.equal(isFileExtensionTld('zip'), true)
  assert.equal(isFileExtensionTld('com'), false)
})
