import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'

import { findUrlhausCsvHeader, readUrlhausCsv } from './urlhaus-csv.ts'
import { isUrlhausJsonDump, readUrlhausJsonDump } from './urlhaus-json.ts'
import { urlhausTagFamilies } from './urlhaus-tag-families.ts'

const FIXTURES = new URL(
  '../../../test/fixtures/feeds/abusech-other/',
  import.meta.url,
)
const SOURCE = { file: 'urlhaus' }

function readCsv(text: string) {
  const header = findUrlhausCsvHeader(text)
  assert.ok(header !== undefined)
  return readUrlhausCsv(text, header, SOURCE)
}

function readFixture(name: string) {
  return readCsv(readFileSync(new URL(name, FIXTURES), 'utf8'))
}

test('urlhaus CSV fixture records', () => {
  const records = readFixture('urlhaus-online-csv-excerpt.csv')
  assert.equal(records.length, 17)
  assert.equal(
    new Set(records.map((record) => record.origin.recordId)).size,
    15,
  )
})

test('urlhaus CSV fixture families', () => {
  const records = readFixture('urlhaus-online-csv-excerpt.csv')
  assert.deepEqual(
    records.map((record) => [record.origin.recordId, record.family]),
    [
      ['3905439', undefined],
      ['3905435', 'Mirai'],
      ['3905436', 'Mirai'],
      ['3905415', 'Mirai'],
      ['3905414', 'Mirai'],
      ['3905405', undefined],
      ['3905404', 'Mozi'],
      ['3905386', undefined],
      ['3905385', undefined],
      ['3905364', undefined],
      ['3905362', undefined],
      ['3905361', undefined],
      ['3905360', 'Mirai'],
      ['3905360', 'Wraith'],
      ['3905354', 'Mirai'],
      ['3905354', 'Mozi'],
      ['3905352', 'Mozi'],
    ],
  )
})

test('urlhaus CSV fixture record', () => {
  const record = readFixture('urlhaus-online-csv-excerpt.csv')[1]
  assert.deepEqual(record, {
    origin: {
      feed: 'urlhaus',
      file: 'urlhaus',
      recordId: '3905435',
      rawValue: 'http://176.65.139.212/eclipse.sh4',
    },
    feedType: 'url',
    value: 'http://176.65.139.212/eclipse.sh4',
    aliases: [],
    tags: ['176-65-139-212', 'elf', 'mirai', 'ua-wget'],
    references: ['https://urlhaus.abuse.ch/url/3905435/'],
    threatType: 'payload_delivery',
    family: 'Mirai',
    firstSeen: '2026-08-18 16:05:19',
    lastSeen: '2026-08-18 16:05:19',
    confidence: 75,
  })
})

test('urlhaus legacy TLD feed', () => {
  const records = readFixture('urlhaus-tld-csv-legacy-2019-intelmq-test.txt')
  assert.deepEqual(records, [
    {
      origin: {
        feed: 'urlhaus',
        file: 'urlhaus',
        recordId: 'line 12',
        rawValue: 'http://marconuenlist.ch/verif.accounts.docs.net/',
      },
      feedType: 'url',
      value: 'http://marconuenlist.ch/verif.accounts.docs.net/',
      aliases: [],
      tags: [],
      references: [],
      threatType: 'payload_delivery',
      firstSeen: '2019-02-13 00:34:42',
      confidence: 75,
    },
    {
      origin: {
        feed: 'urlhaus',
        file: 'urlhaus',
        recordId: 'line 13',
        rawValue: 'http://cbd-planet.ch/sec.myacc.send.com/',
      },
      feedType: 'url',
      value: 'http://cbd-planet.ch/sec.myacc.send.com/',
      aliases: [],
      tags: [],
      references: [],
      threatType: 'payload_delivery',
      firstSeen: '2019-02-12 14:27:03',
      confidence: 75,
    },
  ])
})

test('urlhaus CSV row with wrong field count', () => {
  const records = readCsv(
    '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"1","2026-01-01 00:00:00","http://bad-example.com/a","online","None","malware_download","mirai,Mozi"\n',
  )
  assert.deepEqual(
    records.map((record) => [record.family, record.problem]),
    [[undefined, 'CSV row has 7 fields, but the header has 9 columns']],
  )
})

test('urlhaus CSV URL with hash sign', () => {
  const records = readCsv(
    '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"2","2026-01-01 00:00:00","http://bad-example.com/a#frag","online","None","malware_download","None","https://urlhaus.abuse.ch/url/2/","x"\n',
  )
  assert.equal(records[0].value, 'http://bad-example.com/a#frag')
  assert.deepEqual(records[0].tags, [])
})

test('urlhaus tag families', () => {
  assert.deepEqual(
    urlhausTagFamilies([
      '32-bit',
      'arm',
      'elf',
      'mirai',
      'Mozi',
      'MIRAI',
      '176-65-139-212',
      'ua-wget',
      'dropped-by-amadey',
      'c2-monitor-auto',
      'AgentTesla',
    ]),
    ['Mirai', 'Mozi', 'AgentTesla'],
  )
  assert.deepEqual(urlhausTagFamilies(['exe', 'opendir']), [])
})

test('urlhaus JSON dump', () => {
  const dump = {
    '3905360': [
      {
        dateadded: '2026-08-18 14:04:07 UTC',
        url: 'http://167.86.99.169/iran.mips',
        url_status: 'online',
        last_online: null,
        threat: 'malware_download',
        tags: ['mirai', 'wraith'],
        urlhaus_link: 'https://urlhaus.abuse.ch/url/3905360/',
        reporter: 'redacted',
      },
    ],
  }
  assert.ok(isUrlhausJsonDump(dump))
  assert.deepEqual(
    readUrlhausJsonDump(dump, SOURCE).map((record) => [
      record.origin.recordId,
      record.value,
      record.family,
      record.firstSeen,
      record.lastSeen,
    ]),
    [
      [
        '3905360',
        'http://167.86.99.169/iran.mips',
        'Mirai',
        '2026-08-18 14:04:07 UTC',
        undefined,
      ],
      [
        '3905360',
        'http://167.86.99.169/iran.mips',
        'Wraith',
        '2026-08-18 14:04:07 UTC',
        undefined,
      ],
    ],
  )
})

test('urlhaus JSON dump shape detection', () => {
  assert.equal(
    isUrlhausJsonDump({ '1': [{ url: 'a', urlhaus_link: 'b' }] }),
    true,
  )
  assert.equal(isUrlhausJsonDump({ '1': [{ ioc_value: 'a' }] }), false)
  assert.equal(isUrlhausJsonDump({}), false)
})

test('urlhaus header not found', () => {
  assert.equal(
    findUrlhausCsvHeader('# a comment\nhttp://bad-example.com/\n'),
    undefined,
  )
})
