import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import {
  startThreatFoxMockServer,
  type ThreatFoxMockServer,
} from '../../test/support/threatfox-mock-server.ts'
import { FetchError } from './fetch-error.ts'
import { parseRetryAfter } from './fetch-with-retry.ts'
import {
  downloadThreatFoxExport,
  queryThreatFoxApi,
  resolveThreatFoxSettings,
  type ThreatFoxClientOptions,
} from './threatfox-client.ts'

const AUTH_KEY = 'tf-test-key-7f3a9c1e5b'

let server: ThreatFoxMockServer
let delays: number[]

before(async () => {
  server = await startThreatFoxMockServer({ authKey: AUTH_KEY, slowMs: 1_000 })
})

after(async () => {
  await server.close()
})

beforeEach(() => {
  server.requests.length = 0
  delays = []
})

function clientOptions(
  overrides: Partial<ThreatFoxClientOptions> = {},
): ThreatFoxClientOptions {
  return {
    settings: {
      apiUrl: server.apiUrl,
      exportUrl: server.exportUrl,
      authKey: AUTH_KEY,
    },
    maxAttempts: 3,
    timeoutMs: 2_000,
    backoffBaseMs: 10,
    random: () => 0,
    sleep: async (ms) => {
      delays.push(ms)
    },
    ...overrides,
  }
}

async function rejection(promise: Promise<unknown>): Promise<FetchError> {
  try {
    await promise
  } catch (error) {
    assert.ok(
      error instanceof FetchError,
      `expected FetchError, got ${String(error)}`,
    )
    assert.ok(
      !error.message.includes(AUTH_KEY),
      'error message contains the Auth-Key',
    )
    return error
  }
  assert.fail('expected the promise to reject')
}

describe('queryThreatFoxApi', () => {
  test('get_iocs returns the fixture records', async () => {
    const result = await queryThreatFoxApi(
      { query: 'get_iocs', days: 1 },
      clientOptions(),
    )
    assert.equal(result.queryStatus, 'ok')
    assert.equal(result.recordCount, 2)
    assert.equal(result.attempts, 1)
    assert.deepEqual(server.requests[0].body, { query: 'get_iocs', days: 1 })
    assert.equal(server.requests[0].authorized, true)
  })

  test('malwareinfo sends name and limit', async () => {
    const result = await queryThreatFoxApi(
      { query: 'malwareinfo', malware: 'Cobalt Strike', limit: 1000 },
      clientOptions(),
    )
    assert.equal(result.recordCount, 1)
    assert.deepEqual(server.requests[0].body, {
      query: 'malwareinfo',
      malware: 'Cobalt Strike',
      limit: 1000,
    })
  })

  test('missing key fails before any request', async () => {
    const options = clientOptions()
    options.settings = { ...options.settings, authKey: undefined }
    const error = await rejection(
      queryThreatFoxApi({ query: 'get_iocs', days: 1 }, options),
    )
    assert.equal(error.code, 'missing-key')
    assert.match(error.message, /THREATFOX_AUTH_KEY is not set/)
    assert.match(error.message, /https:\/\/auth\.abuse\.ch\//)
    assert.equal(server.requests.length, 0)
  })

  test('401 is rejected without retry', async () => {
    server.queueFaults('unauthorized')
    const error = await rejection(
      queryThreatFoxApi({ query: 'get_iocs', days: 1 }, clientOptions()),
    )
    assert.equal(error.code, 'rejected-key')
    assert.match(error.message, /ThreatFox rejected the Auth-Key/)
    assert.equal(server.requests.length, 1)
  })

  test('wrong key is rejected', async () => {
    const options = clientOptions()
    options.settings = { ...options.settings, authKey: 'not-the-key' }
    const error = await rejection(
      queryThreatFoxApi({ query: 'get_iocs', days: 1 }, options),
    )
    assert.equal(error.code, 'rejected-key')
    assert.equal(error.status, 401)
  })

  test('429 waits Retry-After then succeeds', async () => {
    server.queueFaults('rate-limited')
    const retries: string[] = []
    const result = await queryThreatFoxApi(
      { query: 'get_iocs', days: 1 },
      clientOptions({ onRetry: (event) => retries.push(event.reason) }),
    )
    assert.equal(result.recordCount, 2)
    assert.equal(result.attempts, 2)
    assert.deepEqual(delays, [1_000])
    assert.deepEqual(retries, ['HTTP 429 Too Many Requests'])
  })

  test('502 backs off then succeeds', async () => {
    server.queueFaults('bad-gateway', 'server-error')
    const result = await queryThreatFoxApi(
      { query: 'get_iocs', days: 1 },
      clientOptions(),
    )
    assert.equal(result.attempts, 3)
    // Base 10 ms doubled per attempt; half of each is fixed and random() is 0.
    assert.deepEqual(delays, [5, 10])
  })

  test('backoff jitter adds up to half', async () => {
    server.queueFaults('bad-gateway')
    await queryThreatFoxApi(
      { query: 'get_iocs', days: 1 },
      clientOptions({ random: () => 0.999 }),
    )
    assert.deepEqual(delays, [10])
  })

  test('502 on every attempt fails', async () => {
    server.queueFaults('bad-gateway', 'bad-gateway', 'bad-gateway')
    const error = await rejection(
      queryThreatFoxApi({ query: 'get_iocs', days: 1 }, clientOptions()),
    )
    assert.equal(error.code, 'http')
    assert.equal(error.status, 502)
    assert.equal(error.attempts, 3)
    assert.match(
      error.message,
      /failed on all 3 attempts \(HTTP 502 Bad Gateway\)/,
    )
  })

  test('slow answer times out on each attempt', async () => {
    server.queueFaults('slow', 'slow')
    const error = await rejection(
      queryThreatFoxApi(
        { query: 'get_iocs', days: 1 },
        clientOptions({ timeoutMs: 100, maxAttempts: 2 }),
      ),
    )
    assert.equal(error.code, 'timeout')
    assert.equal(error.attempts, 2)
    assert.match(error.message, /timed out after 100 ms/)
  })

  test('slow answer then success', async () => {
    server.queueFaults('slow')
    const result = await queryThreatFoxApi(
      { query: 'get_iocs', days: 1 },
      clientOptions({ timeoutMs: 100 }),
    )
    assert.equal(result.recordCount, 2)
    assert.equal(result.attempts, 2)
  })

  test('truncated JSON is invalid, not retried', async () => {
    server.queueFaults('truncated')
    const error = await rejection(
      queryThreatFoxApi({ query: 'get_iocs', days: 1 }, clientOptions()),
    )
    assert.equal(error.code, 'invalid-response')
    assert.match(error.message, /not complete JSON/)
    assert.equal(server.requests.length, 1)
  })

  test('cut connection is retried', async () => {
    server.queueFaults('cut-connection')
    const result = await queryThreatFoxApi(
      { query: 'get_iocs', days: 1 },
      clientOptions(),
    )
    assert.equal(result.attempts, 2)
  })

  test('no_result gives zero records', async () => {
    server.queueFaults('empty')
    const result = await queryThreatFoxApi(
      { query: 'get_iocs', days: 1 },
      clientOptions(),
    )
    assert.equal(result.queryStatus, 'no_result')
    assert.equal(result.recordCount, 0)
  })

  test('illegal days is a rejected query', async () => {
    const error = await rejection(
      queryThreatFoxApi({ query: 'get_iocs', days: 9 }, clientOptions()),
    )
    assert.equal(error.code, 'query-rejected')
    assert.match(error.message, /query_status illegal_days/)
    assert.match(error.message, /\{"days":9\}/)
  })

  test('echoed key is removed from text', async () => {
    server.queueFaults('echo-key')
    const result = await queryThreatFoxApi(
      { query: 'get_iocs', days: 1 },
      clientOptions(),
    )
    assert.equal(result.text.includes(AUTH_KEY), false)
    assert.match(result.text, /\[redacted\]/)
  })

  test('Retry-After above limit fails at once', async () => {
    server.queueFaults('rate-limited')
    const error = await rejection(
      queryThreatFoxApi(
        { query: 'get_iocs', days: 1 },
        clientOptions({ maxRetryAfterMs: 500 }),
      ),
    )
    assert.equal(error.code, 'http')
    assert.match(error.message, /asked to retry after 1 s/)
    assert.deepEqual(delays, [])
  })

  test('abort signal cancels the wait', async () => {
    server.queueFaults('bad-gateway')
    const controller = new AbortController()
    const error = await rejection(
      queryThreatFoxApi(
        { query: 'get_iocs', days: 1 },
        clientOptions({
          signal: controller.signal,
          sleep: async () => {
            controller.abort()
            throw new Error('sleep aborted')
          },
        }),
      ),
    )
    assert.equal(error.code, 'aborted')
  })
})

describe('downloadThreatFoxExport', () => {
  test('recent-json counts every record', async () => {
    const result = await downloadThreatFoxExport('recent-json', clientOptions())
    assert.equal(result.recordCount, 4490)
    assert.equal(result.url, `${server.exportUrl}json/recent/`)
  })

  test('recent-csv counts data lines', async () => {
    const result = await downloadThreatFoxExport('recent-csv', clientOptions())
    assert.equal(result.recordCount, 32)
  })

  test('full-zip is unpacked to CSV', async () => {
    const result = await downloadThreatFoxExport('full-zip', clientOptions())
    assert.equal(result.recordCount, 32)
    assert.match(result.text, /^#{10}/)
  })

  test('export works without a key', async () => {
    const options = clientOptions()
    options.settings = { ...options.settings, authKey: undefined }
    const result = await downloadThreatFoxExport('recent-csv', options)
    assert.equal(result.recordCount, 32)
  })

  test('truncated JSON export is invalid', async () => {
    server.queueFaults('truncated')
    const error = await rejection(
      downloadThreatFoxExport('recent-json', clientOptions()),
    )
    assert.equal(error.code, 'invalid-response')
  })

  test('truncated ZIP is invalid', async () => {
    server.queueFaults('truncated')
    const error = await rejection(
      downloadThreatFoxExport('full-zip', clientOptions()),
    )
    assert.equal(error.code, 'invalid-response')
    assert.match(error.message, /not a valid ZIP/)
  })

  test('404 fails without retry', async () => {
    const options = clientOptions()
    options.settings = {
      ...options.settings,
      exportUrl: `${server.exportUrl}missing/`,
    }
    const error = await rejection(
      downloadThreatFoxExport('recent-csv', options),
    )
    assert.equal(error.code, 'http')
    assert.equal(error.status, 404)
    assert.equal(server.requests.length, 1)
  })
})

describe('parseRetryAfter', () => {
  test('seconds', () => {
    assert.equal(parseRetryAfter('3', 0), 3_000)
  })

  test('HTTP date', () => {
    const now = Date.parse('2026-04-12T10:00:00Z')
    assert.equal(parseRetryAfter('Sun, 12 Apr 2026 10:00:30 GMT', now), 30_000)
  })

  test('past date waits zero', () => {
    const now = Date.parse('2026-04-12T10:00:00Z')
    assert.equal(parseRetryAfter('Sun, 12 Apr 2026 09:00:00 GMT', now), 0)
  })

  test('invalid value', () => {
    assert.equal(parseRetryAfter('soon', 0), undefined)
  })
})

describe('resolveThreatFoxSettings', () => {
  test('defaults', () => {
    assert.deepEqual(resolveThreatFoxSettings({}), {
      apiUrl: 'https://threatfox-api.abuse.ch/api/v1/',
      exportUrl: 'https://threatfox.abuse.ch/export/',
      authKey: undefined,
    })
  })

  test('environment overrides', () => {
    const settings = resolveThreatFoxSettings({
      THREATFOX_API_URL: 'http://127.0.0.1:1/api/v1/',
      THREATFOX_EXPORT_URL: 'http://127.0.0.1:1/export/',
      THREATFOX_AUTH_KEY: ' key ',
    })
    assert.equal(settings.apiUrl, 'http://127.0.0.1:1/api/v1/')
    assert.equal(settings.exportUrl, 'http://127.0.0.1:1/export/')
    assert.equal(settings.authKey, 'key')
  })
})
