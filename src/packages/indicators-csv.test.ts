import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { REFERENCE_DCRAT } from '../../test/support/package-fakes.ts'
import { renderIndicatorsCsv } from './indicators-csv.ts'

test('CSV of reference indicators', () => {
  assert.equal(
    renderIndicatorsCsv(REFERENCE_DCRAT),
    'type,value,port,family,malware_id,aliases,threat_type,first_seen_utc,last_seen_utc,confidence,tags,references,sources\n' +
      'ip,94.26.90.55,8888,DCRat,win.dcrat,DarkCrystal RAT,botnet_cc,2026-05-23T00:00:00Z,,100,DCRat,,threatfox:reference-dcrat-1\n' +
      'ip,93.177.103.55,9999,DCRat,win.dcrat,DarkCrystal RAT,botnet_cc,2026-05-23T00:00:00Z,,100,DCRat,,threatfox:reference-dcrat-2\n',
  )
})

test('CSV quotes hard values', () => {
  const hostile = {
    ...REFERENCE_DCRAT[0]!,
    type: 'url' as const,
    value: 'http://203.0.113.7/a,"b"\\',
    port: undefined,
    tags: ['a,b', 'line\nbreak', ' padded'],
  }
  const [, row] = parse(renderIndicatorsCsv([hostile])) as string[][]
  assert.equal(row![1], 'http://203.0.113.7/a,"b"\\')
  assert.equal(row![10], 'a,b,line\nbreak, padded')
})
