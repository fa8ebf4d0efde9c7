import { unzipSync } from 'fflate'
import { FetchError } from './fetch-error.ts'
import {
  fetchWithRetry,
  type HttpResult,
  type RetryOptions,
} from './fetch-with-retry.ts'
import { redactSecret } from './redact-secret.ts'

/**
 * ThreatFox API endpoint. Every query is an HTTP POST of a JSON body with an
 * `Auth-Key` header (threatfox.abuse.ch/api, and abuse.ch's examples
 * `threatfox_query_recent-iocs.py` and `threatfox_query_malware.py` in
 * github.com/abusech/ThreatFox). `get_iocs` takes `days` from 1 to 7.
 */
export const THREATFOX_API_URL = 'https://threatfox-api.abuse.ch/api/v1/'

/** Base of the ThreatFox bulk exports; {@link THREATFOX_EXPORTS} contains the paths below it. */
export const THREATFOX_EXPORT_URL = 'https://threatfox.abuse.ch/export/'

/** Page that issues ThreatFox Auth-Keys, free of charge. */
export const THREATFOX_AUTH_KEY_URL = 'https://auth.abuse.ch/'

/** Environment variables read by {@link resolveThreatFoxSettings}. */
export const THREATFOX_ENV = {
  authKey: 'THREATFOX_AUTH_KEY',
  apiUrl: 'THREATFOX_API_URL',
  exportUrl: 'THREATFOX_EXPORT_URL',
} as const

/** ThreatFox bulk exports huntpack can download. */
export type ThreatFoxExportKind = 'recent-json' | 'recent-csv' | 'full-zip'

/**
 * Path of each export below the export base, and the file name huntpack
 * saves it under. The `recent` exports hold the latest additions, and the
 * full export is a ZIP holding one CSV file.
 */
export const THREATFOX_EXPORTS: Record<
  ThreatFoxExportKind,
  { path: string; fileExtension: string }
> = {
  'recent-json': { path: 'json/recent/', fileExtension: 'json' },
  'recent-csv': { path: 'csv/recent/', fileExtension: 'csv' },
  'full-zip': { path: 'csv/full/', fileExtension: 'csv' },
}

/** The two API queries huntpack sends. */
export type ThreatFoxApiQuery =
  | { query: 'get_iocs'; days: number }
  | { query: 'malwareinfo'; malware: string; limit: number }

/** Endpoints and key, usually taken from the environment. */
export interface ThreatFoxSettings {
  apiUrl: string
  exportUrl: string
  /** Undefined when the environment has no key. */
  authKey?: string
}

/** Options of the ThreatFox download functions. */
export interface ThreatFoxClientOptions extends RetryOptions {
  settings: ThreatFoxSettings
}

/** The body of a successful API query. */
export interface ThreatFoxApiResult {
  query: ThreatFoxApiQuery
  /** `no_result` is a successful response with zero IOCs. */
  queryStatus: 'ok' | 'no_result'
  /** IOC records in `data`, 0 for `no_result`. */
  recordCount: number
  /** Response body as sent, with the Auth-Key removed should the server ever echo it. */
  text: string
  attempts: number
}

/** A downloaded export, decompressed when it came as a ZIP. */
export interface ThreatFoxExportResult {
  kind: ThreatFoxExportKind
  url: string
  /** JSON or CSV text of the export (the CSV inside the ZIP for `full-zip`). */
  text: string
  /** The bytes to keep: the ZIP as downloaded for `full-zip`, else `text` as UTF-8. */
  bytes: Uint8Array
  /** IOC records found: JSON entries, or CSV lines that are not comments. */
  recordCount: number
  attempts: number
}

/**
 * Reads the ThreatFox endpoints and Auth-Key from the environment:
 * `THREATFOX_API_URL` and `THREATFOX_EXPORT_URL` replace the public endpoints
 * (for a proxy or a test server), `THREATFOX_AUTH_KEY` contains the key.
 */
export function resolveThreatFoxSettings(
  env: NodeJS.ProcessEnv = process.env,
): ThreatFoxSettings {
  const authKey = env[THREATFOX_ENV.authKey]?.trim()
  return {
    apiUrl: env[THREATFOX_ENV.apiUrl] || THREATFOX_API_URL,
    exportUrl: env[THREATFOX_ENV.exportUrl] || THREATFOX_EXPORT_URL,
    authKey: authKey ? authKey : undefined,
  }
}

/**
 * Sends one query to the ThreatFox API and checks the response.
 *
 * Throws {@link FetchError}: `missing-key` before any request when no key is
 * set, `rejected-key` on HTTP 401/403 or `query_status: unknown_auth_key`,
 * `query-rejected` on any other `query_status` than `ok` and `no_result`
 * (for example `illegal_days`), `invalid-response` when the body is not
 * complete JSON of the documented shape, and the codes of
 * {@link fetchWithRetry} for transport failures.
 */
export async function queryThreatFoxApi(
  query: ThreatFoxApiQuery,
  options: ThreatFoxClientOptions,
): Promise<ThreatFoxApiResult> {
  const { apiUrl } = options.settings
  const authKey = requireThreatFoxAuthKey(options.settings)

  const response = await guard(authKey, () =>
    fetchWithRetry(
      apiUrl,
      {
        method: 'POST',
        headers: {
          'Auth-Key': authKey,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify(query),
      },
      { ...options, label: options.label ?? 'ThreatFox API' },
    ),
  )
  checkHttpStatus(response, 'ThreatFox API', THREATFOX_ENV.apiUrl)

  const text = redactSecret(Buffer.from(response.body).toString('utf8'), [
    authKey,
  ])
  const parsed = parseJson(text, response, 'ThreatFox API response', authKey)
  return interpretApiBody(query, parsed, text, response)
}

/**
 * Downloads one ThreatFox export. The Auth-Key is sent when one is set but
 * is not required, because the exports have been public downloads.
 *
 * Throws {@link FetchError}: `rejected-key` on HTTP 401/403, `http` on other
 * non-success statuses, `invalid-response` when a JSON export is truncated
 * or the ZIP is damaged or contains no CSV file.
 */
export async function downloadThreatFoxExport(
  kind: ThreatFoxExportKind,
  options: ThreatFoxClientOptions,
): Promise<ThreatFoxExportResult> {
  const { exportUrl, authKey } = options.settings
  const url = new URL(
    THREATFOX_EXPORTS[kind].path,
    withTrailingSlash(exportUrl),
  ).href
  const headers: Record<string, string> = {}
  if (authKey !== undefined) headers['Auth-Key'] = authKey

  const response = await guard(authKey, () =>
    fetchWithRetry(
      url,
      { method: 'GET', headers },
      { ...options, label: options.label ?? 'ThreatFox export' },
    ),
  )
  checkHttpStatus(response, 'ThreatFox export', THREATFOX_ENV.exportUrl)

  const text = redactSecret(exportText(kind, response), [authKey])
  return {
    kind,
    url,
    text,
    bytes: kind === 'full-zip' ? response.body : Buffer.from(text, 'utf8'),
    recordCount: countExportRecords(kind, text, response, authKey),
    attempts: response.attempts,
  }
}

function interpretApiBody(
  query: ThreatFoxApiQuery,
  parsed: unknown,
  text: string,
  response: HttpResult,
): ThreatFoxApiResult {
  if (!isObject(parsed) || typeof parsed.query_status !== 'string') {
    throw invalidResponse(
      response,
      'ThreatFox API response has no query_status field',
    )
  }

  const status = parsed.query_status
  const base = { query, text, attempts: response.attempts }
  if (status === 'no_result')
    return { ...base, queryStatus: status, recordCount: 0 }
  if (status === 'unknown_auth_key') throw rejectedKeyError(response)
  if (status !== 'ok') {
    // On failure the API puts a sentence in `data`, for example for `illegal_days`.
    const detail = typeof parsed.data === 'string' ? `: ${parsed.data}` : ''
    throw new FetchError(
      'query-rejected',
      `ThreatFox API rejected the ${query.query} query ${JSON.stringify(queryArguments(query))} ` +
        `with query_status ${status}${detail}. Check the --days (1 to 7) and --malware values.`,
      {
        url: response.url,
        status: response.status,
        attempts: response.attempts,
      },
    )
  }

  if (!Array.isArray(parsed.data)) {
    throw invalidResponse(
      response,
      'ThreatFox API response has query_status ok but no data array',
    )
  }
  return { ...base, queryStatus: status, recordCount: parsed.data.length }
}

function queryArguments(query: ThreatFoxApiQuery): Record<string, unknown> {
  const { query: _name, ...rest } = query
  return rest
}

function exportText(kind: ThreatFoxExportKind, response: HttpResult): string {
  if (kind !== 'full-zip') return Buffer.from(response.body).toString('utf8')

  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(response.body)
  } catch (error) {
    throw invalidResponse(
      response,
      `ThreatFox full export is not a valid ZIP file (${errorMessage(error)})`,
    )
  }
  const csvNames = Object.keys(entries).filter((name) =>
    name.toLowerCase().endsWith('.csv'),
  )
  if (csvNames.length !== 1) {
    throw invalidResponse(
      response,
      `ThreatFox full export ZIP should hold one CSV file but holds ${JSON.stringify(Object.keys(entries))}`,
    )
  }
  return Buffer.from(entries[csvNames[0]]).toString('utf8')
}

function countExportRecords(
  kind: ThreatFoxExportKind,
  text: string,
  response: HttpResult,
  authKey: string | undefined,
): number {
  if (kind === 'recent-json') {
    // The JSON export maps each IOC id to an array of records.
    const parsed = parseJson(text, response, 'ThreatFox JSON export', authKey)
    if (!isObject(parsed)) {
      throw invalidResponse(
        response,
        'ThreatFox JSON export is not a JSON object of IOC ids',
      )
    }
    return Object.values(parsed).reduce<number>(
      (sum, records) => sum + (Array.isArray(records) ? records.length : 0),
      0,
    )
  }
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.startsWith('#')).length
}

function checkHttpStatus(
  response: HttpResult,
  label: string,
  urlVariable: string,
): void {
  if (response.status === 401 || response.status === 403)
    throw rejectedKeyError(response)
  if (response.status >= 200 && response.status < 300) return

  throw new FetchError(
    'http',
    `${label} returned HTTP ${response.status} ${response.statusText} at ${response.url}. ` +
      `Check the URL (${urlVariable} replaces the default).`,
    { url: response.url, status: response.status, attempts: response.attempts },
  )
}

function parseJson(
  text: string,
  response: HttpResult,
  what: string,
  authKey: string | undefined,
): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    // V8's message quotes part of the text, so it goes through redaction too.
    const reason = redactSecret(errorMessage(error), [authKey])
    throw invalidResponse(
      response,
      `${what} is not complete JSON (${response.body.byteLength} bytes, ${reason}); ` +
        'the download was probably cut short',
    )
  }
}

function invalidResponse(response: HttpResult, problem: string): FetchError {
  return new FetchError(
    'invalid-response',
    `${problem} at ${response.url}. Nothing from it was ingested; run the command again.`,
    { url: response.url, status: response.status, attempts: response.attempts },
  )
}

/**
 * Returns the Auth-Key of `settings`.
 *
 * @throws FetchError `missing-key` saying how to get and set a key.
 */
export function requireThreatFoxAuthKey(settings: ThreatFoxSettings): string {
  if (settings.authKey !== undefined) return settings.authKey
  throw new FetchError(
    'missing-key',
    `${THREATFOX_ENV.authKey} is not set. The ThreatFox API needs an Auth-Key: ` +
      `get one free at ${THREATFOX_AUTH_KEY_URL}, then run ` +
      `\`export ${THREATFOX_ENV.authKey}=<your key>\` before huntpack. ` +
      'The bulk exports (fetch --export) need no key.',
    { url: settings.apiUrl, attempts: 0 },
  )
}

function rejectedKeyError(response: HttpResult): FetchError {
  return new FetchError(
    'rejected-key',
    `ThreatFox rejected the Auth-Key in ${THREATFOX_ENV.authKey} (HTTP ${response.status}) at ` +
      `${response.url}. Check the key at ${THREATFOX_AUTH_KEY_URL} and set it again.`,
    { url: response.url, status: response.status, attempts: response.attempts },
  )
}

/** Runs a request and scrubs the key from any error it throws. */
async function guard<T>(
  authKey: string | undefined,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof Error)
      error.message = redactSecret(error.message, [authKey])
    throw error
  }
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
