import { readFileSync } from 'node:fs'
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { zipSync } from 'fflate'

/**
 * A fault the mock applies to the next request instead of the normal response:
 * - `slow`: waits `slowMs`, then sends the normal response (for client timeouts).
 * - `unauthorized`: HTTP 401 with `query_status: unknown_auth_key`.
 * - `rate-limited`: HTTP 429 with `Retry-After` (`retryAfter` option, default `1`).
 * - `bad-gateway`: HTTP 502 with an HTML body, as a proxy sends it.
 * - `truncated`: HTTP 200 with the first half of the normal body.
 * - `cut-connection`: announces the full Content-Length, sends half, closes the socket.
 * - `empty`: HTTP 200 with `query_status: no_result` (the `data` sentence is made up).
 * - `echo-key`: HTTP 200 `no_result` whose `data` text repeats the Auth-Key.
 * - `server-error`: HTTP 500, retried by clients like a 502.
 */
export type ThreatFoxFault =
  | 'slow'
  | 'unauthorized'
  | 'rate-limited'
  | 'bad-gateway'
  | 'truncated'
  | 'cut-connection'
  | 'empty'
  | 'echo-key'
  | 'server-error'

/** One request the mock received. The Auth-Key itself is not kept. */
export interface RecordedRequest {
  method: string
  path: string
  /** True when the request carried the expected Auth-Key. */
  authorized: boolean
  /** Parsed JSON body of an API request. */
  body?: unknown
  /** Fault applied to this request, if any. */
  fault?: ThreatFoxFault
}

export interface ThreatFoxMockOptions {
  /** Auth-Key the mock accepts. */
  authKey: string
  /** Delay of the `slow` fault in milliseconds. Default 2,000. */
  slowMs?: number
  /** `Retry-After` value of the `rate-limited` fault. Default `1`. */
  retryAfter?: string
  /** API response replayed for `get_iocs`. Default: the fixture response. */
  apiResponsePath?: string
}

export interface ThreatFoxMockServer {
  /** Value for `THREATFOX_API_URL`. */
  apiUrl: string
  /** Value for `THREATFOX_EXPORT_URL`. */
  exportUrl: string
  requests: RecordedRequest[]
  /** Applies the given faults to the next requests, one fault per request, in order. */
  queueFaults(...faults: ThreatFoxFault[]): void
  /** Drops faults that no request has taken yet. */
  clearFaults(): void
  /** Replaces the response replayed for `get_iocs` from now on. */
  setApiResponse(text: string): void
  close(): Promise<void>
}

const FIXTURES = new URL('../fixtures/threatfox/', import.meta.url)

function fixture(name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES))
}

/**
 * Starts a ThreatFox stand-in on 127.0.0.1 at a random port. It replays the
 * real responses in `test/fixtures/threatfox/`: the API `get_iocs` response
 * (also filtered for `malwareinfo`), the JSON and CSV exports, and the CSV
 * zipped as the full export. It checks the `Auth-Key` header and the `days`
 * range (1 to 7) like the real API.
 */
export async function startThreatFoxMockServer(
  options: ThreatFoxMockOptions,
): Promise<ThreatFoxMockServer> {
  const faults: ThreatFoxFault[] = []
  const requests: RecordedRequest[] = []
  const timers = new Set<NodeJS.Timeout>()
  let apiResponse = options.apiResponsePath
    ? readFileSync(options.apiResponsePath, 'utf8')
    : fixture('threatfox-api-get_iocs-response-small.json').toString('utf8')

  const server = createServer((request, response) => {
    readRequestBody(request).then((rawBody) => {
      const record: RecordedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        authorized: request.headers['auth-key'] === options.authKey,
        body: parseJsonOrUndefined(rawBody),
        fault: faults.shift(),
      }
      requests.push(record)

      const normal = () => answerNormally(record, apiResponse)
      applyFault(record, options, response, normal, timers)
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const base = `http://127.0.0.1:${port}`

  return {
    apiUrl: `${base}/api/v1/`,
    exportUrl: `${base}/export/`,
    requests,
    queueFaults: (...next) => faults.push(...next),
    clearFaults: () => {
      faults.length = 0
    },
    setApiResponse: (text) => {
      apiResponse = text
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function applyFault(
  record: RecordedRequest,
  options: ThreatFoxMockOptions,
  response: ServerResponse,
  normal: () => Answer,
  timers: Set<NodeJS.Timeout>,
): void {
  switch (record.fault) {
    case undefined:
      return send(response, normal())
    case 'slow': {
      const timer = setTimeout(() => {
        timers.delete(timer)
        if (!response.destroyed) send(response, normal())
      }, options.slowMs ?? 2_000)
      timers.add(timer)
      return
    }
    case 'unauthorized':
      return send(response, json(401, { query_status: 'unknown_auth_key' }))
    case 'rate-limited':
      return send(response, {
        ...json(429, { query_status: 'rate_limited' }),
        headers: { 'Retry-After': options.retryAfter ?? '1' },
      })
    case 'bad-gateway':
      return send(response, {
        status: 502,
        contentType: 'text/html',
        body: Buffer.from('<html><body><h1>502 Bad Gateway</h1></body></html>'),
      })
    case 'server-error':
      return send(response, json(500, { error: 'internal' }))
    case 'truncated': {
      const answer = normal()
      return send(response, {
        ...answer,
        body: answer.body.subarray(0, answer.body.length >> 1),
      })
    }
    case 'cut-connection': {
      const answer = normal()
      response.writeHead(answer.status, {
        'Content-Type': answer.contentType,
        'Content-Length': answer.body.length,
      })
      response.write(answer.body.subarray(0, answer.body.length >> 1))
      response.socket?.destroy()
      return
    }
    case 'empty':
      return send(
        response,
        json(200, {
          query_status: 'no_result',
          data: 'Your search did not yield any results',
        }),
      )
    case 'echo-key':
      return send(
        response,
        json(200, {
          query_status: 'no_result',
          data: `No results for key ${options.authKey}`,
        }),
      )
  }
}

interface Answer {
  status: number
  contentType: string
  body: Buffer
  headers?: Record<string, string>
}

function answerNormally(record: RecordedRequest, apiResponse: string): Answer {
  const path = record.path.split('?')[0]
  if (path === '/api/v1/') return answerApi(record, apiResponse)
  if (record.method !== 'GET') return json(405, { error: 'method not allowed' })

  switch (path) {
    case '/export/json/recent/':
      return {
        status: 200,
        contentType: 'application/json',
        body: fixture('threatfox-export-json-recent-4488.json'),
      }
    case '/export/csv/recent/':
      return {
        status: 200,
        contentType: 'text/csv',
        body: fixture('threatfox-export-csv-recent-excerpt.csv'),
      }
    case '/export/csv/full/':
      return {
        status: 200,
        contentType: 'application/zip',
        body: Buffer.from(
          zipSync({
            'full.csv': fixture('threatfox-export-csv-recent-excerpt.csv'),
          }),
        ),
      }
    default:
      return {
        status: 404,
        contentType: 'text/plain',
        body: Buffer.from('not found'),
      }
  }
}

function answerApi(record: RecordedRequest, apiResponse: string): Answer {
  if (record.method !== 'POST')
    return json(200, { query_status: 'http_post_expected' })
  if (!record.authorized) return json(401, { query_status: 'unknown_auth_key' })

  const body = record.body as Record<string, unknown> | undefined
  if (body?.query === 'get_iocs') {
    const days = body.days
    if (
      typeof days !== 'number' ||
      !Number.isInteger(days) ||
      days < 1 ||
      days > 7
    ) {
      return json(200, { query_status: 'illegal_days' })
    }
    return {
      status: 200,
      contentType: 'application/json',
      body: Buffer.from(apiResponse),
    }
  }
  if (body?.query === 'malwareinfo') return answerMalwareInfo(body, apiResponse)
  return json(200, { query_status: 'unknown_operation' })
}

function answerMalwareInfo(
  body: Record<string, unknown>,
  apiResponse: string,
): Answer {
  const malware = String(body.malware ?? '').toLowerCase()
  const limit = Number(body.limit ?? 100)
  const all = (
    JSON.parse(apiResponse) as { data: Array<Record<string, unknown>> }
  ).data
  const matches = all
    .filter((record) =>
      [record.malware, record.malware_printable].some(
        (name) => typeof name === 'string' && name.toLowerCase() === malware,
      ),
    )
    .slice(0, limit)
  if (matches.length === 0)
    return json(200, {
      query_status: 'no_result',
      data: 'Your search did not yield any results',
    })
  return json(200, { query_status: 'ok', data: matches })
}

function json(status: number, value: unknown): Answer {
  return {
    status,
    contentType: 'application/json',
    body: Buffer.from(JSON.stringify(value)),
  }
}

function send(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, {
    'Content-Type': answer.contentType,
    'Content-Length': answer.body.length,
    ...answer.headers,
  })
  response.end(answer.body)
}

function readRequestBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', () => resolve(''))
    request.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}

function parseJsonOrUndefined(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
