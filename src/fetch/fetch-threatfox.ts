import {
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import {
  downloadThreatFoxExport,
  queryThreatFoxApi,
  THREATFOX_EXPORTS,
  type ThreatFoxClientOptions,
  type ThreatFoxExportKind,
} from './threatfox-client.ts'

/** The ThreatFox download: an API query or a bulk export. */
export type ThreatFoxFetchRequest =
  | { kind: 'recent'; days: number }
  | { kind: 'malware'; malware: string }
  | { kind: 'export'; export: ThreatFoxExportKind }

/** The `limit` huntpack sends with a `malwareinfo` query: the maximum number of IOCs requested. */
export const MALWAREINFO_LIMIT = 1000

/** A download saved to disk, ready for ingest. */
export interface FetchedFeed {
  /** Path of the saved response. */
  file: string
  /** Source description, for logs and the runs table, for example `ThreatFox API get_iocs days=1`. */
  source: string
  /** IOC records in the response; 0 for an empty result. */
  recordCount: number
  /** True when the API returned `no_result`. */
  empty: boolean
  attempts: number
}

export interface FetchThreatFoxOptions extends ThreatFoxClientOptions {
  /** Folder for saved responses; created when missing. */
  downloadDir: string
  /** Time stamp in the saved file name. */
  now: Date
  /** Saved responses to keep in `downloadDir`, newest first. Default 20. */
  keepFiles?: number
}

/**
 * Downloads from ThreatFox and saves the response, exactly as received
 * (with any echo of the Auth-Key removed), to
 * `<downloadDir>/threatfox-<UTC time>-<what>.<ext>`. The file is written
 * under a temporary name and renamed, so a crash never leaves a partial
 * file. Older saved responses beyond `keepFiles` are deleted.
 *
 * @throws FetchError from the ThreatFox client; nothing is saved then.
 */
export async function fetchThreatFox(
  request: ThreatFoxFetchRequest,
  options: FetchThreatFoxOptions,
): Promise<FetchedFeed> {
  const stamp = options.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  const download = await downloadRequest(request, options)

  mkdirSync(options.downloadDir, { recursive: true })
  const file = path.join(
    options.downloadDir,
    `threatfox-${stamp}-${download.label}.${download.extension}`,
  )
  const temporary = `${file}.partial`
  writeFileSync(temporary, download.bytes)
  renameSync(temporary, file)
  pruneDownloads(options.downloadDir, options.keepFiles ?? 20)

  return {
    file,
    source: download.source,
    recordCount: download.recordCount,
    empty: download.empty,
    attempts: download.attempts,
  }
}

interface Download {
  label: string
  extension: string
  source: string
  bytes: Uint8Array
  recordCount: number
  empty: boolean
  attempts: number
}

async function downloadRequest(
  request: ThreatFoxFetchRequest,
  options: ThreatFoxClientOptions,
): Promise<Download> {
  if (request.kind === 'export') {
    const result = await downloadThreatFoxExport(request.export, options)
    const extension =
      request.export === 'full-zip'
        ? 'zip'
        : THREATFOX_EXPORTS[request.export].fileExtension
    return {
      label: `export-${request.export}`,
      extension,
      source: `ThreatFox export ${result.url}`,
      bytes: result.bytes,
      recordCount: result.recordCount,
      empty: result.recordCount === 0,
      attempts: result.attempts,
    }
  }

  const query =
    request.kind === 'recent'
      ? ({ query: 'get_iocs', days: request.days } as const)
      : ({
          query: 'malwareinfo',
          malware: request.malware,
          limit: MALWAREINFO_LIMIT,
        } as const)
  const result = await queryThreatFoxApi(query, options)
  const label =
    request.kind === 'recent'
      ? `get_iocs-${request.days}d`
      : `malwareinfo-${safeFileLabel(request.malware)}`
  const detail =
    request.kind === 'recent'
      ? `days=${request.days}`
      : `malware=${JSON.stringify(request.malware)}`
  return {
    label,
    extension: 'json',
    source: `ThreatFox API ${query.query} ${detail}`,
    bytes: Buffer.from(result.text, 'utf8'),
    recordCount: result.recordCount,
    empty: result.queryStatus === 'no_result',
    attempts: result.attempts,
  }
}

function safeFileLabel(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'family'
}

function pruneDownloads(directory: string, keep: number): void {
  const saved = readdirSync(directory)
    .filter(
      (name) => name.startsWith('threatfox-') && !name.endsWith('.partial'),
    )
    .sort()
  // Names start with a UTC time stamp, so name order is time order.
  for (const name of saved.slice(0, Math.max(0, saved.length - keep))) {
    rmSync(path.join(directory, name), { force: true })
  }
}
