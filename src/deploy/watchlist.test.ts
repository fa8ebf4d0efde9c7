import assert from 'node:assert/strict'
import { test } from 'node:test'

import {
  familyWithHunts,
  ipPortIndicators,
} from '../../test/support/deploy-fixtures.ts'
import type { Indicator } from '../indicators/indicator.ts'
import { findTableProfile } from '../hunts/table-profiles.ts'
import { kqlDynamicStrings, kqlString } from '../targets/kql/kql-literal.ts'
import { KqlValidator } from '../validation/kql-validator.ts'
import {
  huntValueLists,
  watchlistAlias,
  watchlistCsv,
  watchlistQueryText,
  watchlistRows,
  WatchlistError,
  type WatchlistRow,
} from './watchlist.ts'

function urlIndicator(value: string, recordId: string): Indicator {
  const url = new URL(value)
  return {
    key: `url|${value}|Edge Url`,
    type: 'url',
    value,
    url: {
      scheme: url.protocol.replace(':', ''),
      host: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      pathAndQuery: value.slice(value.indexOf(url.host) + url.host.length),
    },
    family: 'Edge Url',
    aliases: [],
    threatType: 'payload_delivery',
    firstSeen: '2026-04-11T19:37:36Z',
    confidence: 90,
    tags: [],
    references: [],
    defanged: false,
    origins: [
      { feed: 'threatfox', file: 'feed.json', recordId, rawValue: value },
    ],
  }
}

function domainIndicator(value: string, recordId: string): Indicator {
  return {
    key: `domain|${value}|Edge Domain`,
    type: 'domain',
    value,
    family: 'Edge Domain',
    aliases: [],
    threatType: 'botnet_cc',
    firstSeen: '2026-04-11T19:37:36Z',
    lastSeen: '2026-04-12T08:00:00Z',
    confidence: 100,
    tags: [],
    references: [],
    defanged: false,
    origins: [
      { feed: 'threatfox', file: 'feed.json', recordId, rawValue: value },
    ],
  }
}

const hardUrls = [
  urlIndicator('http://203.0.113.7:6600/abc\\', 'url-backslash'),
  urlIndicator('https://bad-example.com/a"b\'c|d//e,f', 'url-quotes'),
]
const urlFamily = familyWithHunts('Edge Url', 'edge-url', hardUrls)
const domainFamily = familyWithHunts('Edge Domain', 'edge-domain', [
  domainIndicator('bad-example.com', 'domain-1'),
  domainIndicator('evil.example', 'domain-2'),
])
const ipFamily = familyWithHunts(
  'Edge Ip',
  'edge-ip',
  ipPortIndicators('Edge Ip', 4),
)

test('huntValueLists decodes escaped values', () => {
  const text = `let ioc_urls = ${kqlDynamicStrings(['a\\', 'b"c', "d'e|f//g"])};\nT | take 1`
  assert.deepEqual(
    [...huntValueLists(text)],
    [['ioc_urls', ['a\\', 'b"c', "d'e|f//g"]]],
  )
})

test('huntValueLists reads rendered hunts', () => {
  const hunt = urlFamily.hunts[0]!
  const values = huntValueLists(hunt.text).get('ioc_urls')!
  assert.ok(values.includes('http://203.0.113.7:6600/abc\\'))
  assert.ok(values.includes('https://bad-example.com/a"b\'c|d//e,f'))
})

test('watchlistAlias prefixes the slug', () => {
  assert.equal(watchlistAlias('cobalt-strike'), 'huntpack-cobalt-strike')
})

test('watchlistRows carry indicator details', () => {
  const rows = watchlistRows(domainFamily.hunts, domainFamily.indicators)
  assert.deepEqual(rows, [
    {
      value: 'bad-example.com',
      listName: 'domain/ioc_domains',
      observable: 'domain',
      indicator: 'bad-example.com',
      threatType: 'botnet_cc',
      confidence: '100',
      firstSeen: '2026-04-11T19:37:36Z',
      lastSeen: '2026-04-12T08:00:00Z',
      iocIds: 'domain-1',
    },
    {
      value: 'evil.example',
      listName: 'domain/ioc_domains',
      observable: 'domain',
      indicator: 'evil.example',
      threatType: 'botnet_cc',
      confidence: '100',
      firstSeen: '2026-04-11T19:37:36Z',
      lastSeen: '2026-04-12T08:00:00Z',
      iocIds: 'domain-2',
    },
  ])
})

test('watchlistRows map every form to its indicator', () => {
  for (const family of [urlFamily, ipFamily]) {
    for (const row of watchlistRows(family.hunts, family.indicators)) {
      assert.notEqual(row.indicator, '', `${row.listName} ${row.value}`)
    }
  }
})

test('watchlistRows list ip:port endpoints', () => {
  const rows = watchlistRows(ipFamily.hunts, ipFamily.indicators)
  const endpoints = rows.filter(
    (row) => row.listName === 'ip-port/ioc_endpoints',
  )
  assert.deepEqual(
    endpoints.map((row) => row.value).sort(),
    ipFamily.indicators
      .map((indicator) => `${indicator.value}:${indicator.port}`)
      .sort(),
  )
  assert.ok(
    rows.some((row) => row.listName === 'ip-port/ioc_endpoints_other_forms'),
  )
})

test('watchlistCsv quotes hard values', () => {
  const row: WatchlistRow = {
    value: 'https://bad-example.com/a"b,c',
    listName: 'url/ioc_urls',
    observable: 'url',
    indicator: ' padded ',
    threatType: 'payload_delivery',
    confidence: '90',
    firstSeen: '2026-04-11T19:37:36Z',
    lastSeen: '',
    iocIds: 'a b',
  }
  assert.equal(
    watchlistCsv([row], 'huntpack-x'),
    'IndicatorValue,ListName,Observable,Indicator,ThreatType,Confidence,FirstSeen,LastSeen,IocIds\r\n' +
      '"https://bad-example.com/a""b,c",url/ioc_urls,url," padded ",payload_delivery,90,2026-04-11T19:37:36Z,,a b\r\n',
  )
})

test('watchlistCsv rejects oversized lists', () => {
  const row: WatchlistRow = {
    value: 'x'.repeat(1_000),
    listName: 'url/ioc_urls',
    observable: 'url',
    indicator: '',
    threatType: '',
    confidence: '',
    firstSeen: '',
    lastSeen: '',
    iocIds: '',
  }
  assert.throws(
    () => watchlistCsv(Array(4_000).fill(row), 'huntpack-x'),
    WatchlistError,
  )
})

test('watchlist queries hold no indicator value', () => {
  for (const family of [urlFamily, domainFamily, ipFamily]) {
    for (const hunt of family.hunts) {
      const text = watchlistQueryText(
        hunt,
        findTableProfile(hunt.table)!,
        'huntpack-edge',
      )
      for (const indicator of family.indicators) {
        assert.ok(
          !text.includes(kqlString(indicator.value)),
          `${hunt.fileName} ${indicator.value}`,
        )
      }
      assert.ok(text.includes('_GetWatchlist("huntpack-edge")'), hunt.fileName)
    }
  }
})

test('watchlist queries parse cleanly', () => {
  const validator = KqlValidator.shared()
  for (const family of [urlFamily, domainFamily, ipFamily]) {
    for (const hunt of family.hunts) {
      const text = watchlistQueryText(
        hunt,
        findTableProfile(hunt.table)!,
        'huntpack-edge',
      )
      const problems = validator
        .validate(text)
        .filter((d) => d.severity !== 'suggestion')
      assert.deepEqual(problems, [], hunt.fileName)
    }
  }
})

test('watchlist domain query checks parent domains', () => {
  const hunt = domainFamily.hunts.find(
    (candidate) => candidate.table === 'DnsEvents',
  )!
  const text = watchlistQueryText(
    hunt,
    findTableProfile('DnsEvents')!,
    'huntpack-edge',
  )
  assert.match(
    text,
    /^\| extend NameParent1 = substring\(NameHost, indexof\(NameHost, "\."\) \+ 1\)$/m,
  )
  assert.match(text, /^\| extend NameParent8 = /m)
  assert.match(
    text,
    /^\| extend NameDomain = case\(NameHost in \(ioc_domains\), NameHost, NameParent1 in \(ioc_domains\), NameParent1,/m,
  )
})

test('watchlist parser query drops list prefilters', () => {
  const hunt = ipFamily.hunts.find(
    (candidate) => candidate.table === '_Im_NetworkSession',
  )!
  assert.match(hunt.text, /ipaddr_has_any_prefix=ioc_ips/)
  const text = watchlistQueryText(
    hunt,
    findTableProfile('_Im_NetworkSession')!,
    'huntpack-edge',
  )
  assert.match(text, /^_Im_NetworkSession\(starttime=ago\(lookback\)\)$/m)
})
