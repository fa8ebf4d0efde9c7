process.env.TZ = 'Asia/Kolkata'

import assert from 'node:assert/strict'
import { test } from 'node:test'

import {
  parseEpochTimestamp,
  parseIsoTimestamp,
  parseMonthNameTimestamp,
  parseSlashDateTime,
  parseUsDateTime,
} from './timestamps.ts'

const iso = (micros: number | undefined) =>
  micros === undefined ? undefined : new Date(micros / 1000).toISOString()

test('ISO with offset', () => {
  assert.equal(
    parseIsoTimestamp('2024-12-18T19:36:48.669714-0500'),
    Date.UTC(2024, 11, 19, 0, 36, 48) * 1000 + 669714,
  )
})

test('ISO with seven fraction digits', () => {
  assert.equal(
    parseIsoTimestamp('2023-12-21T19:04:59.0109752Z'),
    Date.UTC(2023, 11, 21, 19, 4, 59) * 1000 + 10975,
  )
})

test('ISO without offset is UTC', () => {
  assert.equal(
    iso(parseIsoTimestamp('2020-08-06 07:56:20.207')),
    '2020-08-06T07:56:20.207Z',
  )
})

test('ISO rejects 31 April', () => {
  assert.equal(parseIsoTimestamp('2024-04-31T00:00:00Z'), undefined)
})

test('epoch units by digit count', () => {
  assert.equal(parseEpochTimestamp('1541117137.618695'), 1541117137618695)
  assert.equal(parseEpochTimestamp('1609960622'), 1609960622000000)
  assert.equal(parseEpochTimestamp('1525844566655'), 1525844566655000)
  assert.equal(parseEpochTimestamp('1647873918304240923'), 1647873918304240)
})

test('Sentinel export US format', () => {
  assert.equal(
    iso(parseUsDateTime('8/17/2023, 6:52:13 AM')),
    '2023-08-17T06:52:13.000Z',
  )
  assert.equal(
    iso(parseUsDateTime('3/31/2022, 10:52:35.857 PM')),
    '2022-03-31T22:52:35.857Z',
  )
  assert.equal(
    iso(parseUsDateTime('1/2/2022, 12:00:00 AM')),
    '2022-01-02T00:00:00.000Z',
  )
})

test('PAN-OS slashes', () => {
  assert.equal(
    iso(parseSlashDateTime('2018/09/20 13:03:58')),
    '2018-09-20T13:03:58.000Z',
  )
})

test('syslog time takes the reference year', () => {
  const reference = Date.UTC(2024, 9, 1) * 1000
  assert.equal(
    iso(parseMonthNameTimestamp('Sep 18 14:58:29', reference)),
    '2024-09-18T14:58:29.000Z',
  )
})

test('syslog December read in January', () => {
  const reference = Date.UTC(2025, 0, 2) * 1000
  assert.equal(
    iso(parseMonthNameTimestamp('Dec 31 23:59:59', reference)),
    '2024-12-31T23:59:59.000Z',
  )
})

test('CEF date with year and zone', () => {
  assert.equal(
    iso(parseMonthNameTimestamp('Mar 09 2015 17:05:21 GMT+00:00', 0)),
    '2015-03-09T17:05:21.000Z',
  )
})
