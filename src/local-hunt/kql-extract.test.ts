import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'

import { evaluateQuery } from '../targets/kql/render-test-evaluator.ts'
import {
  URL_HOST_PATTERN as RENDERED_PATTERN,
  urlHostExpression,
} from '../targets/kql/url-host-pattern.ts'
import { URL_HOST_PATTERN } from './kql-expression-translator.ts'
import { UnsupportedKqlError } from './kql-translation-error.ts'
import { translateKql } from './kql-query-translator.ts'
import { createEmptyTable } from './table-catalog.ts'

const NOW = new Date('2026-05-01T00:00:00Z')

// [RequestURL, host the domain hunts must compare]
const CASES: Array<[string | null, string]> = [
  // The example of learn.microsoft.com/kusto/query/parse-url-function,
  // whose documented Host is "host".
  [
    'scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment',
    'host',
  ],
  ['http://evil.example/a', 'evil.example'],
  ['https://evil.example', 'evil.example'],
  ['HTTPS://User@Evil.Example:8443/x', 'Evil.Example'],
  ['http://user:p%40ss@evil.example:80/', 'evil.example'],
  ['http://a@b@evil.example/', 'evil.example'],
  ['http://[2001:db8::1]:8080/x', '[2001:db8::1]'],
  ['http://user@[::1]/', '[::1]'],
  ['evil.example', 'evil.example'],
  ['evil.example:443', 'evil.example'],
  ['evil.example/path?q=1', 'evil.example'],
  ['user@evil.example/x', 'evil.example'],
  ['//evil.example/x', 'evil.example'],
  ['http://evil.example?x=a@b', 'evil.example'],
  ['http://evil.example#frag@x', 'evil.example'],
  ['http://evil.example\\path', 'evil.example'],
  ['ftp://files.example/pub', 'files.example'],
  ['https://host.example./x', 'host.example.'],
  ['http://198.51.100.7:8080/evil.example', '198.51.100.7'],
  ['/path/only', ''],
  ['', ''],
  [null, ''],
]

const QUERY = `CommonSecurityLog
| extend Host = ${urlHostExpression('RequestURL')}
| project _SourceLine, Host
| order by _SourceLine asc`

describe('extract() of the URL host', () => {
  let instance: DuckDBInstance
  let connection: DuckDBConnection
  let duckHosts: string[]

  before(async () => {
    instance = await DuckDBInstance.create(':memory:')
    connection = await instance.connect()
    await createEmptyTable(connection, 'CommonSecurityLog')
    for (const [index, [url]] of CASES.entries()) {
      const value = url === null ? 'NULL' : `'${url.replaceAll("'", "''")}'`
      await connection.run(
        `INSERT INTO CommonSecurityLog (RequestURL, _SourceFile, _SourceLine) VALUES (${value}, 'cef.log', ${index + 1})`,
      )
    }
    const reader = await connection.runAndReadAll(
      translateKql(QUERY, { now: NOW }).sql,
    )
    duckHosts = reader.getRowsJS().map((row) => String(row[1]))
  })
  after(() => {
    connection.closeSync()
    instance.closeSync()
  })

  test('pattern is the one the renderers write', () => {
    assert.equal(URL_HOST_PATTERN, RENDERED_PATTERN)
  })

  for (const [index, [url, host]] of CASES.entries()) {
    test(`DuckDB host of ${JSON.stringify(url)}`, () => {
      assert.equal(duckHosts[index], host)
    })
  }

  test('test evaluator agrees with DuckDB', () => {
    const rows = CASES.map(([RequestURL], index) => ({
      RequestURL,
      _SourceLine: index + 1,
    }))
    const hosts = evaluateQuery(QUERY, rows).map((row) => row.Host)
    assert.deepEqual(hosts, duckHosts)
  })
})

describe('extract() outside the subset', () => {
  const translate = (call: string) =>
    translateKql(`CommonSecurityLog | extend Host = ${call}`, { now: NOW })

  test('other pattern is rejected', () => {
    assert.throws(
      () => translate('extract(@"^([^/]*)", 1, RequestURL)'),
      (error: unknown) =>
        error instanceof UnsupportedKqlError &&
        /extract\(\) with this regular expression/.test(error.message),
    )
  })

  test('other capture group is rejected', () => {
    assert.throws(
      () => translate(urlHostExpression('RequestURL').replace(', 1,', ', 2,')),
      (error: unknown) =>
        error instanceof UnsupportedKqlError &&
        /extract\(\) with this capture group/.test(error.message),
    )
  })

  test('type argument is rejected', () => {
    assert.throws(
      () =>
        translate(
          urlHostExpression('RequestURL').replace(
            ', RequestURL)',
            ', RequestURL, typeof(string))',
          ),
        ),
      /extract\(\) takes 3 arguments, found 4/,
    )
  })
})
