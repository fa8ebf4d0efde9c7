/**
 * Why a feed download failed:
 * - `missing-key`: no Auth-Key in the environment.
 * - `rejected-key`: the service returned 401/403 or `unknown_auth_key`.
 * - `timeout`: every attempt timed out.
 * - `network`: every attempt failed before an HTTP status arrived.
 * - `http`: a status that is not retried (4xx), or 5xx/429 after the last attempt.
 * - `invalid-response`: the body is not the JSON, CSV or ZIP expected (for example truncated).
 * - `query-rejected`: the API answered with a `query_status` error such as `illegal_days`.
 * - `aborted`: the caller cancelled the download (for example on SIGTERM).
 */
export type FetchErrorCode =
  | 'missing-key'
  | 'rejected-key'
  | 'timeout'
  | 'network'
  | 'http'
  | 'invalid-response'
  | 'query-rejected'
  | 'aborted'

/**
 * A failed feed download. The message names the URL (never a secret), the
 * status or `query_status` when there is one, and what to do next.
 */
export class FetchError extends Error {
  readonly code: FetchErrorCode
  readonly url: string
  /** HTTP status of the last response, when one arrived. */
  readonly status?: number
  /** Attempts made, 1 or more. */
  readonly attempts: number

  constructor(
    code: FetchErrorCode,
    message: string,
    details: { url: string; status?: number; attempts?: number },
  ) {
    super(message)
    this.name = 'FetchError'
    this.code = code
    this.url = details.url
    this.status = details.status
    this.attempts = details.attempts ?? 1
  }
}
