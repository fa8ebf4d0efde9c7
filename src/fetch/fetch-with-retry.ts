import { setTimeout as delay } from 'node:timers/promises'
import { FetchError } from './fetch-error.ts'

/** One retry that {@link fetchWithRetry} is about to make. */
export interface RetryEvent {
  url: string
  /** Attempt that failed, 1-based. */
  attempt: number
  maxAttempts: number
  /** Wait before the next attempt, in milliseconds. */
  delayMs: number
  /** Failure reason of the attempt, for example `HTTP 502 Bad Gateway` or `timed out after 100 ms`. */
  reason: string
}

/** Options of {@link fetchWithRetry}. Every duration is in milliseconds. */
export interface RetryOptions {
  /** Name of the service in messages, for example `ThreatFox API`. */
  label?: string
  /** Attempts in total, 1 or more. Default 4. */
  maxAttempts?: number
  /** Time limit of one attempt, covering the headers and the whole body. Default 60,000. */
  timeoutMs?: number
  /** First backoff delay, doubled after each failed attempt. Default 1,000. */
  backoffBaseMs?: number
  /** Upper bound of one backoff delay. Default 60,000. */
  backoffMaxMs?: number
  /**
   * Longest `Retry-After` wait that is honoured. A 429 or 503 asking for a
   * longer wait fails at once, so a scheduled run does not hang. Default 300,000.
   */
  maxRetryAfterMs?: number
  /** Cancels the request and any wait between attempts. */
  signal?: AbortSignal
  /** Called before each wait between attempts, for logging. */
  onRetry?: (event: RetryEvent) => void
  /** Called as body bytes arrive; `total` is the Content-Length when sent. */
  onProgress?: (received: number, total: number | undefined) => void
  /** Waits between attempts. Tests replace it to record delays without waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Returns a number in [0, 1) for the jitter. Tests replace it to fix delays. */
  random?: () => number
}

/** A response whose body has been read completely. */
export interface HttpResult {
  url: string
  status: number
  statusText: string
  headers: Headers
  body: Uint8Array
  /** Attempts used, 1 or more. */
  attempts: number
}

const DEFAULTS = {
  maxAttempts: 4,
  timeoutMs: 60_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  maxRetryAfterMs: 300_000,
}

/**
 * Sends one HTTP request with Node's global fetch and reads the whole body,
 * retrying on HTTP 429, any 5xx, timeouts and network errors. A `Retry-After`
 * header (seconds or an HTTP date) sets the wait. Otherwise the wait is
 * exponential backoff with jitter: half of `base * 2^(attempt-1)` (capped at
 * `backoffMaxMs`) plus a random part of the other half.
 *
 * Returns every other response, including 4xx, for the caller to interpret.
 * Throws {@link FetchError} with code `timeout`, `network` or `http` when the
 * attempts run out, and `aborted` when `options.signal` fires.
 * Request headers (which carry secrets) never appear in a message.
 */
export async function fetchWithRetry(
  url: string,
  init: RequestInit,
  options: RetryOptions = {},
): Promise<HttpResult> {
  const label = options.label ?? url
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULTS.maxAttempts)
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs
  const sleep = options.sleep ?? defaultSleep

  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(url, init, timeoutMs, options)

    if (
      outcome.kind === 'response' &&
      !isRetryableStatus(outcome.result.status)
    ) {
      return { ...outcome.result, attempts: attempt }
    }

    const reason = describeFailure(outcome, timeoutMs)
    if (attempt >= maxAttempts) {
      throw finalError(outcome, label, url, reason, attempt)
    }

    const retryAfterMs =
      outcome.kind === 'response'
        ? parseRetryAfter(outcome.result.headers.get('retry-after'), Date.now())
        : undefined
    const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs
    if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
      throw new FetchError(
        'http',
        `${label} returned ${reason} and asked to retry after ${formatSeconds(retryAfterMs)}, ` +
          `longer than the limit of ${formatSeconds(maxRetryAfterMs)} (${url}). Run again later.`,
        { url, status: statusOf(outcome), attempts: attempt },
      )
    }

    const delayMs = retryAfterMs ?? backoffDelay(attempt, options)
    options.onRetry?.({ url, attempt, maxAttempts, delayMs, reason })
    try {
      await sleep(delayMs, options.signal)
    } catch (error) {
      if (options.signal?.aborted) throw abortedError(label, url, attempt)
      throw error
    }
  }
}

type AttemptOutcome =
  | { kind: 'response'; result: Omit<HttpResult, 'attempts'> }
  | { kind: 'timeout' }
  | { kind: 'network'; error: unknown }

async function attemptOnce(
  url: string,
  init: RequestInit,
  timeoutMs: number,
  options: RetryOptions,
): Promise<AttemptOutcome> {
  const timeoutSignal = AbortSignal.timeout(timeoutMs)
  const signal = options.signal
    ? AbortSignal.any([timeoutSignal, options.signal])
    : timeoutSignal

  try {
    const response = await fetch(url, { ...init, signal })
    const body = await readBody(response, options.onProgress)
    return {
      kind: 'response',
      result: {
        url,
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        body,
      },
    }
  } catch (error) {
    if (options.signal?.aborted) {
      throw abortedError(options.label ?? url, url, 1)
    }
    if (timeoutSignal.aborted) return { kind: 'timeout' }
    return { kind: 'network', error }
  }
}

async function readBody(
  response: Response,
  onProgress: RetryOptions['onProgress'],
): Promise<Uint8Array> {
  if (!onProgress || !response.body) {
    return new Uint8Array(await response.arrayBuffer())
  }

  const lengthHeader = response.headers.get('content-length')
  const total = lengthHeader === null ? undefined : Number(lengthHeader)
  const chunks: Uint8Array[] = []
  let received = 0
  for await (const chunk of response.body) {
    chunks.push(chunk)
    received += chunk.byteLength
    onProgress(received, Number.isFinite(total) ? total : undefined)
  }
  return Buffer.concat(chunks)
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500
}

/**
 * Reads a `Retry-After` value (RFC 9110, section 10.2.3): either a number of
 * seconds or an HTTP date. Returns milliseconds to wait, or undefined when
 * the header is missing or invalid.
 */
export function parseRetryAfter(
  value: string | null,
  nowMs: number,
): number | undefined {
  if (value === null) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000

  const dateMs = Date.parse(text)
  if (Number.isNaN(dateMs)) return undefined
  return Math.max(0, dateMs - nowMs)
}

function backoffDelay(attempt: number, options: RetryOptions): number {
  const base = options.backoffBaseMs ?? DEFAULTS.backoffBaseMs
  const max = options.backoffMaxMs ?? DEFAULTS.backoffMaxMs
  const random = options.random ?? Math.random
  const ceiling = Math.min(max, base * 2 ** (attempt - 1))

  // Half fixed, half random: spreads clients apart without a near-zero wait.
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

function describeFailure(outcome: AttemptOutcome, timeoutMs: number): string {
  switch (outcome.kind) {
    case 'response': {
      const { status, statusText } = outcome.result
      return `HTTP ${status}${statusText ? ` ${statusText}` : ''}`
    }
    case 'timeout':
      return `timed out after ${timeoutMs} ms`
    case 'network':
      return `network error: ${networkErrorText(outcome.error)}`
  }
}

function networkErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error)

  // Node's fetch reports "fetch failed" and puts the socket error in `cause`.
  const cause = error.cause
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code
    return code ? `${code} ${cause.message}` : cause.message
  }
  return error.message
}

function finalError(
  outcome: AttemptOutcome,
  label: string,
  url: string,
  reason: string,
  attempts: number,
): FetchError {
  const tries = attempts === 1 ? '1 attempt' : `all ${attempts} attempts`
  const advice =
    outcome.kind === 'timeout'
      ? 'Check the connection, or raise --timeout.'
      : 'Try again later, or raise --max-attempts.'
  const code = outcome.kind === 'response' ? 'http' : outcome.kind
  return new FetchError(
    code,
    `${label} failed on ${tries} (${reason}) at ${url}. ${advice}`,
    { url, status: statusOf(outcome), attempts },
  )
}

function statusOf(outcome: AttemptOutcome): number | undefined {
  return outcome.kind === 'response' ? outcome.result.status : undefined
}

function abortedError(
  label: string,
  url: string,
  attempts: number,
): FetchError {
  return new FetchError(
    'aborted',
    `${label} request to ${url} was cancelled.`,
    {
      url,
      attempts,
    },
  )
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}

async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal })
}
