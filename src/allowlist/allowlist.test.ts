import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { Allowlist } from './allowlist.ts'
import {
  AllowlistFileError,
  parseAllowlistText,
  readAllowlistFile,
} from './read-allowlist-file.ts'
import {
  parseReservedRangeCategories,
  ReservedRangeCategoryError,
} from './reserved-ranges.ts'

const tempDir = mkdtempSync(join(tmpdir(), 'huntpack-allowlist-'))
after(() => rmSync(tempDir, { recursive: true, force: true }))

function userList(text: string): Allowlist {
  const file = join(tempDir, 'allow.txt')
  writeFileSync(file, text)
  return Allowlist.load({
    files: [file],
    reservedRanges: [],
    sinkholes: false,
    popularDomains: false,
  })
}

describe('Allowlist user entries', () => {
  test('IP entry suppresses ip:port', () => {
    const allowlist = userList('192.0.2.53\n')
    const match = allowlist.match({ type: 'ip', value: '192.0.2.53', port: 53 })
    assert.equal(match?.entry.text, '192.0.2.53')
    assert.equal(match?.entry.list, 'user allow-list')
    assert.equal(
      match?.reason,
      `192.0.2.53:53 matches 192.0.2.53 in user allow-list, ${join(tempDir, 'allow.txt')} line 1; ` +
        'an address entry covers every port',
    )
  })

  test('IP entry leaves other addresses', () => {
    const allowlist = userList('192.0.2.53\n')
    assert.equal(
      allowlist.match({ type: 'ip', value: '192.0.2.54', port: 53 }),
      undefined,
    )
  })

  test('CIDR entry covers its block', () => {
    const allowlist = userList('198.51.100.0/25 # lab\n')
    assert.equal(
      allowlist.match({ type: 'ip', value: '198.51.100.127' })?.entry.text,
      '198.51.100.0/25',
    )
    assert.equal(
      allowlist.match({ type: 'ip', value: '198.51.100.128' }),
      undefined,
    )
  })

  test('IPv6 entry matches compressed forms', () => {
    const allowlist = userList('2001:db8:0:0::1\n')
    assert.equal(
      allowlist.match({ type: 'ip', value: '2001:db8::1', port: 8080 })?.entry
        .text,
      '2001:db8:0:0::1',
    )
  })

  test('IPv4 entry ignores IPv6 network', () => {
    const allowlist = userList('::/0\n')
    assert.equal(allowlist.match({ type: 'ip', value: '192.0.2.1' }), undefined)
  })

  test('domain entry covers subdomains by label', () => {
    const allowlist = userList('example.com\n')
    assert.equal(
      allowlist.match({ type: 'domain', value: 'example.com' })?.entry.text,
      'example.com',
    )
    assert.equal(
      allowlist.match({ type: 'domain', value: 'a.b.example.com' })?.entry.text,
      'example.com',
    )
  })

  test('domain entry is never a substring match', () => {
    const allowlist = userList('github.com\n')
    assert.equal(
      allowlist.match({ type: 'domain', value: 'notgithub.com' }),
      undefined,
    )
    assert.equal(
      allowlist.match({ type: 'domain', value: 'github.com.evil.example' }),
      undefined,
    )
  })

  test('user domain entry covers URLs', () => {
    const allowlist = userList('example.com\n')
    const match = allowlist.match({
      type: 'url',
      value: 'https://cdn.example.com/a.js',
    })
    assert.equal(match?.entry.text, 'example.com')
  })

  test('IP entry covers URL with that host', () => {
    const allowlist = userList('203.0.113.7\n')
    const match = allowlist.match({
      type: 'url',
      value: 'http://203.0.113.7:6600/abc',
    })
    assert.equal(match?.entry.text, '203.0.113.7')
  })

  test('hashes are never allow-listed', () => {
    const allowlist = userList('example.com\n')
    assert.equal(
      allowlist.match({ type: 'sha256', value: 'a'.repeat(64) }),
      undefined,
    )
  })

  test('trailing dot and case are normalised', () => {
    const allowlist = userList('Example.COM.\n')
    assert.equal(
      allowlist.match({ type: 'domain', value: 'www.example.com' })?.entry.text,
      'Example.COM.',
    )
  })
})

describe('Allowlist shipped lists', () => {
  const shipped = Allowlist.load()

  test('bare popular domains are suppressed', () => {
    for (const value of [
      'github.com',
      'drive.google.com',
      'cdn.discordapp.com',
    ]) {
      const match = shipped.match({ type: 'domain', value })
      assert.equal(match?.entry.list, 'popular domains', value)
    }
  })

  test('popular domain reason mentions URLs', () => {
    const match = shipped.match({ type: 'domain', value: 'cdn.discordapp.com' })
    assert.equal(
      match?.reason,
      'cdn.discordapp.com matches cdn.discordapp.com in popular domains, chat platform; ' +
        'a full URL on this domain is still hunted',
    )
  })

  test('URL on popular domain is hunted', () => {
    const match = shipped.match({
      type: 'url',
      value: 'https://cdn.discordapp.com/attachments/1/2/payload.exe',
    })
    assert.equal(match, undefined)
  })

  test('lookalike of popular domain is hunted', () => {
    assert.equal(
      shipped.match({ type: 'domain', value: 'notgithub.com' }),
      undefined,
    )
  })

  test('customer subdomain of exact-only entry is hunted', () => {
    assert.equal(
      shipped.match({ type: 'domain', value: 'evil-tenant.sharepoint.com' }),
      undefined,
    )
    assert.equal(
      shipped.match({ type: 'domain', value: 'sharepoint.com' })?.entry.text,
      'sharepoint.com',
    )
  })

  test('private address is reserved', () => {
    const match = shipped.match({ type: 'ip', value: '10.1.2.3', port: 445 })
    assert.equal(match?.entry.text, '10.0.0.0/8')
    assert.equal(match?.entry.list, 'reserved ranges (private)')
  })

  test('documentation range is reserved by default', () => {
    assert.equal(
      shipped.match({ type: 'ip', value: '192.0.2.53', port: 53 })?.entry.text,
      '192.0.2.0/24',
    )
  })

  test('CGNAT and loopback URLs are reserved', () => {
    assert.equal(
      shipped.match({ type: 'url', value: 'http://100.64.1.1/x' })?.entry.text,
      '100.64.0.0/10',
    )
    assert.equal(
      shipped.match({ type: 'url', value: 'http://[::1]:80/x' })?.entry.text,
      '::1/128',
    )
  })

  test('IPv4-mapped IPv6 matches IPv4 range', () => {
    assert.equal(
      shipped.match({ type: 'ip', value: '::ffff:192.168.1.1' })?.entry.text,
      '192.168.0.0/16',
    )
  })

  test('sinkhole address is suppressed with source', () => {
    const match = shipped.match({
      type: 'ip',
      value: '131.253.18.12',
      port: 80,
    })
    assert.equal(match?.entry.list, 'sinkholes')
    assert.match(
      match?.entry.source ?? '',
      /MISP warninglists, lists\/sinkholes\/list\.json/,
    )
  })

  test('public address is hunted', () => {
    assert.equal(
      shipped.match({ type: 'ip', value: '94.26.90.55', port: 8888 }),
      undefined,
    )
  })

  test('user entry wins over reserved range', () => {
    const file = join(tempDir, 'first.txt')
    writeFileSync(file, '192.0.2.53\n')
    const allowlist = Allowlist.load({ files: [file] })
    assert.equal(
      allowlist.match({ type: 'ip', value: '192.0.2.53', port: 53 })?.entry
        .list,
      'user allow-list',
    )
  })

  test('documentation category can be left out', () => {
    const allowlist = Allowlist.load({
      reservedRanges: parseReservedRangeCategories('-documentation'),
    })
    assert.equal(
      allowlist.match({ type: 'ip', value: '203.0.113.9', port: 8080 }),
      undefined,
    )
    assert.equal(
      allowlist.match({ type: 'ip', value: '10.0.0.1' })?.entry.text,
      '10.0.0.0/8',
    )
  })
})

describe('readAllowlistFile', () => {
  test('comments and blank lines are skipped', () => {
    const entries = parseAllowlistText(
      '# header\n\n192.0.2.1  # resolver\n  example.org\n',
      'a.txt',
    )
    assert.deepEqual(
      entries.map((entry) => [entry.text, entry.source]),
      [
        ['192.0.2.1', 'a.txt line 3'],
        ['example.org', 'a.txt line 4'],
      ],
    )
  })

  test('invalid lines name file and line', () => {
    const text = [
      '192.0.2.1',
      '203.0.300.17',
      '192.0.2.0/33',
      'https://example.com/x',
      '192.0.2.53:53',
      '*.example.com',
      'bad_domain-.com',
      'two entries',
    ].join('\n')
    try {
      parseAllowlistText(text, 'list.txt')
      assert.fail('expected AllowlistFileError')
    } catch (error) {
      assert.ok(error instanceof AllowlistFileError)
      assert.deepEqual(
        error.problems.map((problem) => [problem.line, problem.value]),
        [
          [2, '203.0.300.17'],
          [3, '192.0.2.0/33'],
          [4, 'https://example.com/x'],
          [5, '192.0.2.53:53'],
          [6, '*.example.com'],
          [7, 'bad_domain-.com'],
          [8, 'two entries'],
        ],
      )
      assert.match(
        error.message,
        /list\.txt line 2: "203\.0\.300\.17": invalid IPv4 address/,
      )
      assert.match(
        error.message,
        /list\.txt line 5: "192\.0\.2\.53:53": ports are not allowed/,
      )
    }
  })

  test('missing file is an error', () => {
    assert.throws(
      () => readAllowlistFile(join(tempDir, 'missing.txt')),
      AllowlistFileError,
    )
  })
})

describe('parseReservedRangeCategories', () => {
  test('all and none', () => {
    assert.equal(parseReservedRangeCategories('all').length, 10)
    assert.deepEqual(parseReservedRangeCategories('none'), [])
  })

  test('named categories', () => {
    assert.deepEqual(parseReservedRangeCategories('private,loopback'), [
      'private',
      'loopback',
    ])
  })

  test('unknown category', () => {
    assert.throws(
      () => parseReservedRangeCategories('privat'),
      ReservedRangeCategoryError,
    )
  })
})

describe('Allowlist order', () => {
  test('user CIDR wins over shipped exact address', () => {
    const file = join(tempDir, 'order.txt')
    writeFileSync(file, '131.253.0.0/16\n')
    const allowlist = Allowlist.load({ files: [file] })
    const match = allowlist.match({
      type: 'ip',
      value: '131.253.18.11',
      port: 80,
    })
    assert.equal(match?.entry.list, 'user allow-list')
  })
})
