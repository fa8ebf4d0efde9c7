import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  escapeMarkdown,
  markdownCodeBlock,
  markdownCodeSpan,
} from './markdown.ts'

describe('escapeMarkdown', () => {
  const cases: [string, string, string][] = [
    ['plain text', 'DarkCrystal RAT', 'DarkCrystal RAT'],
    ['table pipe', 'a|b', 'a\\|b'],
    ['backticks', '`rm -rf`', '\\`rm -rf\\`'],
    [
      'HTML tag',
      '<img src=x onerror=alert(1)>',
      '\\<img src=x onerror=alert(1)\\>',
    ],
    ['HTML entity', '&lt; &#60; &#x3c;', '\\&lt; \\&#60; \\&#x3c;'],
    ['plain ampersand', 'Backup & Replication', 'Backup & Replication'],
    ['emphasis', '*bold* _it_ ~~del~~', '\\*bold\\* \\_it\\_ \\~\\~del\\~\\~'],
    ['link', '[x](javascript:alert(1))', '\\[x\\](javascript:alert(1))'],
    ['image', '![x](y)', '!\\[x\\](y)'],
    ['bare URL', 'https://evil.example/', 'https\\://evil.example/'],
    ['www name', 'WWW.evil.example', 'WWW\\.evil.example'],
    ['sentence punctuation', 'Note: done. Next!', 'Note: done. Next!'],
    ['backslash', 'C:\\Temp\\', 'C:\\\\Temp\\\\'],
    ['LF', 'a\nb', 'a<br>b'],
    ['CRLF', 'a\r\nb', 'a<br>b'],
    ['CR', 'a\rb', 'a<br>b'],
    ['line separator', 'a\u2028b', 'a<br>b'],
    ['NUL', 'a\u0000b', 'aU+0000b'],
    ['tab', 'a\tb', 'a\tb'],
    ['right-to-left override', 'exe\u202Egpj', 'exeU+202Egpj'],
    ['heading marker mid-line', 'a # b', 'a # b'],
  ]
  for (const [name, input, expected] of cases) {
    test(name, () => {
      assert.equal(escapeMarkdown(input), expected)
    })
  }

  test('table row stays one row', () => {
    const row = `| ${escapeMarkdown('x|y\n| z |\r\n<b>')} |`
    assert.equal(row.split('\n').length, 1)
  })

  test('no unescaped pipe', () => {
    assert.doesNotMatch(escapeMarkdown('|a||b|'), /(^|[^\\])\|/)
  })
})

describe('markdownCodeSpan', () => {
  const cases: [string, string, string][] = [
    ['defanged IP:port', '94[.]26[.]90[.]55:8888', '`94[.]26[.]90[.]55:8888`'],
    ['defanged URL', 'hxxps://evil[.]example/x', '`hxxps://evil[.]example/x`'],
    ['pipe', 'a|b', '`a\\|b`'],
    ['one backtick', 'a`b', '``a`b``'],
    ['backtick run', 'a``b`', '``` a``b` ```'],
    ['leading space', ' a', '`  a `'],
    ['HTML stays literal', '<script>', '`<script>`'],
    ['newline', 'a\nb', '`aU+000Ab`'],
    ['CRLF', 'a\r\nb', '`aU+000DU+000Ab`'],
    ['bidi override', 'a\u202Eb', '`aU+202Eb`'],
    ['empty', '', ''],
  ]
  for (const [name, input, expected] of cases) {
    test(name, () => {
      assert.equal(markdownCodeSpan(input), expected)
    })
  }

  test('pipe outside table', () => {
    assert.equal(markdownCodeSpan('a|b', 'text'), '`a|b`')
  })
})

describe('markdownCodeBlock', () => {
  test('kql block', () => {
    assert.equal(
      markdownCodeBlock('T\n| take 1\n', 'kql'),
      '```kql\nT\n| take 1\n```\n',
    )
  })

  test('adds final newline', () => {
    assert.equal(markdownCodeBlock('T', 'kql'), '```kql\nT\n```\n')
  })

  test('fence outgrows inner fence', () => {
    assert.equal(
      markdownCodeBlock('a\n````\nb\n', 'kql'),
      '`````kql\na\n````\nb\n`````\n',
    )
  })

  test('inline backticks keep three', () => {
    assert.equal(
      markdownCodeBlock('print "```"\n', 'kql'),
      '```kql\nprint "```"\n```\n',
    )
  })
})
