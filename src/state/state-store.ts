import { mkdirSync } from 'node:fs'
import path from 'node:path'
import {
  DuckDBConnection,
  DuckDBInstance,
  type DuckDBAppender,
  type DuckDBValue,
} from '@duckdb/node-api'
import type { Indicator } from '../indicators/indicator.ts'
import { STATE_SCHEMA_SQL, STATE_SCHEMA_VERSION } from './state-schema.ts'
import {
  acquireStateLock,
  StateLockedError,
  type StateLock,
} from './state-lock.ts'

/** Lifecycle status of an indicator in the state. Only `active` ones are hunted. */
export type IndicatorStatus =
  'active' | 'expired' | 'allow-listed' | 'below-confidence'

/** One indicator as stored in the state. */
export interface StoredIndicator {
  indicator: Indicator
  status: IndicatorStatus
  /** Reason for a status other than `active`. */
  statusReason?: string
  /** Run that first stored the indicator. */
  addedRun: number
  /** Run that last changed its feed data or status. */
  changedRun: number
}

/** The fields lifecycle rules read, without the full indicator. */
export interface IndicatorStatusRow {
  key: string
  type: Indicator['type']
  value: string
  port?: number
  urlHost?: string
  family: string
  confidence: number
  firstSeen: string
  lastSeen?: string
  status: IndicatorStatus
  statusReason?: string
}

/** A new status for one stored indicator. */
export interface StatusUpdate {
  key: string
  status: IndicatorStatus
  statusReason?: string
  changedRun: number
}

/** One run as recorded in `runs`. */
export interface RunRecord {
  id: number
  /** ISO 8601 UTC. */
  started: string
  finished: string
  /** For example `fetch threatfox --days 1` or `ingest`. */
  command: string
  /** Feed files or URLs read. */
  sources: string[]
  /** The time lifecycle rules used (`--now` or the clock). */
  lifecycleNow: string
  counts: Record<string, number>
}

/** One change that a run made to one indicator. */
export interface IndicatorEvent {
  runId: number
  key: string
  family: string
  /** `added`: new key; `updated`: feed data changed; `status`: status or reason changed. */
  event: 'added' | 'updated' | 'status'
  /** Status after the event. */
  status: IndicatorStatus
  reason?: string
}

/** One package build recorded in `builds`. */
export interface BuildRecord {
  id: number
  built: string
  /** Absolute path of the output folder. */
  outDir: string
  /** Newest run the build included, undefined for an empty state. */
  lastRun?: number
  counts: Record<string, number>
}

/** One family folder of a build. */
export interface BuildFamilyRecord {
  family: string
  slug: string
  /** Hash of the family's files without the changelog section. */
  contentHash: string
  /** Hash of the files as written, to check the folder on disk. */
  filesHash: string
  /** Build that last rewrote this folder. */
  changedBuild: number
}

/** One indicator of one family in a build. */
export interface BuildIndicatorRecord {
  family: string
  key: string
  /** Hash of the fields a package shows, to tell changed indicators. */
  fingerprint: string
}

/** Raised when a file cannot be opened as a huntpack state database. */
export class StateFileError extends Error {
  constructor(
    readonly statePath: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'StateFileError'
  }
}

export interface OpenStateOptions {
  /** Command name written to the lock file, for example `fetch`. */
  command: string
  /**
   * Take `<path>.lock` (default true). Without it DuckDB's own file lock
   * still keeps a second writer out.
   */
  lock?: boolean
}

/** Rows per statement when reading by key list; keeps SQL text small. */
const KEY_BATCH = 1_000

/**
 * The state database: a DuckDB file holding runs, indicators with their
 * lifecycle status, per-run events and build records. One process at a time
 * opens it, guarded by a lock file and DuckDB's own file lock.
 *
 * Changes made inside {@link transaction} are committed together or not at
 * all: a crash at any moment leaves the last committed state, which DuckDB
 * recovers from its write-ahead log on the next open.
 */
export class StateStore {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly lock: StateLock | undefined,
  ) {}

  /**
   * Opens or creates the state database at `statePath`, creating missing
   * parent folders and the tables.
   *
   * @throws StateLockedError when another process holds the state.
   * @throws StateFileError when the file is not a huntpack state database
   *   or was written by a newer huntpack.
   */
  static async open(
    statePath: string,
    options: OpenStateOptions,
  ): Promise<StateStore> {
    const resolved = path.resolve(statePath)
    mkdirSync(path.dirname(resolved), { recursive: true })
    const lock =
      options.lock === false
        ? undefined
        : acquireStateLock(resolved, options.command)

    try {
      const instance = await openInstance(resolved, lock)
      const connection = await instance.connect()
      const store = new StateStore(resolved, instance, connection, lock)
      await store.migrate()
      return store
    } catch (error) {
      lock?.release()
      throw error
    }
  }

  /** Closes the database and releases the lock. */
  close(): void {
    this.connection.closeSync()
    this.instance.closeSync()
    this.lock?.release()
  }

  /**
   * Runs `work` in one transaction: commits when it resolves, rolls back
   * and rethrows when it rejects.
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION')
    try {
      const result = await work()
      await this.connection.run('COMMIT')
      return result
    } catch (error) {
      await this.connection.run('ROLLBACK')
      throw error
    }
  }

  /** Returns the id the next run gets: one more than the highest so far. */
  async nextRunId(): Promise<number> {
    return ((await this.lastRunId()) ?? 0) + 1
  }

  /** Adds a run row; `run.id` comes from {@link nextRunId} in the same transaction. */
  async insertRun(run: RunRecord): Promise<void> {
    await this.connection.run(
      'INSERT INTO runs VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [
        run.id,
        run.started,
        run.finished,
        run.command,
        JSON.stringify(run.sources),
        run.lifecycleNow,
        JSON.stringify(run.counts),
      ],
    )
  }

  /** Returns every run, oldest first. */
  async listRuns(): Promise<RunRecord[]> {
    const rows = await this.rows('SELECT * FROM runs ORDER BY id')
    return rows.map((row) => ({
      id: Number(row.id),
      started: String(row.started),
      finished: String(row.finished),
      command: String(row.command),
      sources: JSON.parse(String(row.sources)) as string[],
      lifecycleNow: String(row.lifecycle_now),
      counts: JSON.parse(String(row.counts)) as Record<string, number>,
    }))
  }

  /** Returns every stored indicator, or those with one of `statuses`, in key order. */
  async loadIndicators(
    statuses?: readonly IndicatorStatus[],
  ): Promise<StoredIndicator[]> {
    const where =
      statuses === undefined
        ? ''
        : `WHERE status IN (${statuses.map((_, index) => `$${index + 1}`).join(', ')})`
    const rows = await this.rows(
      `SELECT indicator, status, status_reason, added_run, changed_run FROM indicators ${where} ORDER BY key`,
      statuses === undefined ? undefined : [...statuses],
    )
    return rows.map(toStoredIndicator)
  }

  /** Returns the stored indicators among `keys`, by key. */
  async loadIndicatorsByKey(
    keys: readonly string[],
  ): Promise<Map<string, StoredIndicator>> {
    const found = new Map<string, StoredIndicator>()
    for (let start = 0; start < keys.length; start += KEY_BATCH) {
      const batch = keys.slice(start, start + KEY_BATCH)
      const placeholders = batch.map((_, index) => `$${index + 1}`).join(', ')
      const rows = await this.rows(
        `SELECT indicator, status, status_reason, added_run, changed_run FROM indicators WHERE key IN (${placeholders})`,
        [...batch],
      )
      for (const row of rows) {
        const stored = toStoredIndicator(row)
        found.set(stored.indicator.key, stored)
      }
    }
    return found
  }

  /** Returns the lifecycle fields of every stored indicator, in key order. */
  async loadStatusRows(): Promise<IndicatorStatusRow[]> {
    const rows = await this.rows(
      'SELECT key, type, value, port, url_host, family, confidence, first_seen, last_seen, status, status_reason FROM indicators ORDER BY key',
    )
    return rows.map((row) => {
      const item: IndicatorStatusRow = {
        key: String(row.key),
        type: String(row.type) as Indicator['type'],
        value: String(row.value),
        family: String(row.family),
        confidence: Number(row.confidence),
        firstSeen: String(row.first_seen),
        status: String(row.status) as IndicatorStatus,
      }
      if (row.port !== null) item.port = Number(row.port)
      if (row.url_host !== null) item.urlHost = String(row.url_host)
      if (row.last_seen !== null) item.lastSeen = String(row.last_seen)
      if (row.status_reason !== null)
        item.statusReason = String(row.status_reason)
      return item
    })
  }

  /** Sets the status, reason and changing run of stored indicators. */
  async updateStatuses(updates: readonly StatusUpdate[]): Promise<void> {
    if (updates.length === 0) return
    await this.connection.run(
      'CREATE OR REPLACE TEMP TABLE staged_statuses (key VARCHAR, status VARCHAR, status_reason VARCHAR, changed_run INTEGER)',
    )
    await this.append('staged_statuses', updates, (appender, update) => {
      appender.appendVarchar(update.key)
      appender.appendVarchar(update.status)
      appendOptionalVarchar(appender, update.statusReason)
      appender.appendInteger(update.changedRun)
    })
    await this.connection.run(
      `UPDATE indicators SET status = s.status, status_reason = s.status_reason, changed_run = s.changed_run
       FROM staged_statuses s WHERE indicators.key = s.key`,
    )
    await this.connection.run('DROP TABLE staged_statuses')
  }

  /** Inserts or replaces indicators by key. */
  async saveIndicators(items: readonly StoredIndicator[]): Promise<void> {
    if (items.length === 0) return
    await this.connection.run(
      'CREATE OR REPLACE TEMP TABLE staged_indicators AS SELECT * FROM indicators LIMIT 0',
    )
    await this.append('staged_indicators', items, appendIndicatorRow)
    await this.connection.run(
      'DELETE FROM indicators WHERE key IN (SELECT key FROM staged_indicators)',
    )
    await this.connection.run(
      'INSERT INTO indicators SELECT * FROM staged_indicators',
    )
    await this.connection.run('DROP TABLE staged_indicators')
  }

  /** Appends events to `indicator_events`. */
  async appendEvents(events: readonly IndicatorEvent[]): Promise<void> {
    await this.append('indicator_events', events, (appender, event) => {
      appender.appendInteger(event.runId)
      appender.appendVarchar(event.key)
      appender.appendVarchar(event.family)
      appender.appendVarchar(event.event)
      appender.appendVarchar(event.status)
      appendOptionalVarchar(appender, event.reason)
    })
  }

  /** Returns the events of one run in insertion order. */
  async loadEvents(runId: number): Promise<IndicatorEvent[]> {
    const rows = await this.rows(
      'SELECT * FROM indicator_events WHERE run_id = $1',
      [runId],
    )
    return rows.map((row) => ({
      runId: Number(row.run_id),
      key: String(row.key),
      family: String(row.family),
      event: String(row.event) as IndicatorEvent['event'],
      status: String(row.status) as IndicatorStatus,
      reason: row.reason === null ? undefined : String(row.reason),
    }))
  }

  /** Returns how many indicators have each status. */
  async countByStatus(): Promise<Record<IndicatorStatus, number>> {
    const counts: Record<IndicatorStatus, number> = {
      active: 0,
      expired: 0,
      'allow-listed': 0,
      'below-confidence': 0,
    }
    const rows = await this.rows(
      'SELECT status, count(*) AS n FROM indicators GROUP BY status',
    )
    for (const row of rows)
      counts[String(row.status) as IndicatorStatus] = Number(row.n)
    return counts
  }

  /** Returns the id of the newest run, or undefined when there is none. */
  async lastRunId(): Promise<number | undefined> {
    return this.scalarNumber('SELECT max(id) FROM runs')
  }

  /** Returns the newest build into `outDir` (absolute path), if any. */
  async latestBuild(outDir: string): Promise<BuildRecord | undefined> {
    const rows = await this.rows(
      'SELECT * FROM builds WHERE out_dir = $1 ORDER BY id DESC LIMIT 1',
      [outDir],
    )
    if (rows.length === 0) return undefined
    const row = rows[0]
    return {
      id: Number(row.id),
      built: String(row.built),
      outDir: String(row.out_dir),
      lastRun: row.last_run === null ? undefined : Number(row.last_run),
      counts: JSON.parse(String(row.counts)) as Record<string, number>,
    }
  }

  /** Returns the family folders of one build. */
  async loadBuildFamilies(buildId: number): Promise<BuildFamilyRecord[]> {
    const rows = await this.rows(
      'SELECT * FROM build_families WHERE build_id = $1 ORDER BY family',
      [buildId],
    )
    return rows.map((row) => ({
      family: String(row.family),
      slug: String(row.slug),
      contentHash: String(row.content_hash),
      filesHash: String(row.files_hash),
      changedBuild: Number(row.changed_build),
    }))
  }

  /** Returns the indicators of one build. */
  async loadBuildIndicators(buildId: number): Promise<BuildIndicatorRecord[]> {
    const rows = await this.rows(
      'SELECT family, key, fingerprint FROM build_indicators WHERE build_id = $1',
      [buildId],
    )
    return rows.map((row) => ({
      family: String(row.family),
      key: String(row.key),
      fingerprint: String(row.fingerprint),
    }))
  }

  /** Returns the id of the newest build into any folder, or 0 when there is none. */
  async lastBuildId(): Promise<number> {
    return (await this.scalarNumber('SELECT max(id) FROM builds')) ?? 0
  }

  /** Records a build with its families and indicators; `build.id` comes from {@link lastBuildId} plus one. */
  async insertBuild(
    build: BuildRecord,
    families: readonly BuildFamilyRecord[],
    indicators: readonly BuildIndicatorRecord[],
  ): Promise<void> {
    await this.connection.run(
      'INSERT INTO builds VALUES ($1, $2, $3, $4, $5)',
      [
        build.id,
        build.built,
        build.outDir,
        build.lastRun ?? null,
        JSON.stringify(build.counts),
      ],
    )
    await this.append('build_families', families, (appender, family) => {
      appender.appendInteger(build.id)
      appender.appendVarchar(family.family)
      appender.appendVarchar(family.slug)
      appender.appendVarchar(family.contentHash)
      appender.appendVarchar(family.filesHash)
      appender.appendInteger(family.changedBuild)
    })
    await this.append('build_indicators', indicators, (appender, item) => {
      appender.appendInteger(build.id)
      appender.appendVarchar(item.family)
      appender.appendVarchar(item.key)
      appender.appendVarchar(item.fingerprint)
    })
  }

  private async migrate(): Promise<void> {
    await this.connection.run(STATE_SCHEMA_SQL)
    const version = await this.scalarNumber(
      'SELECT max(version) FROM huntpack_schema',
    )
    if (version === undefined) {
      await this.connection.run('INSERT INTO huntpack_schema VALUES ($1)', [
        STATE_SCHEMA_VERSION,
      ])
      return
    }
    if (version > STATE_SCHEMA_VERSION) {
      throw new StateFileError(
        this.path,
        `State file ${this.path} has schema version ${version}, newer than this huntpack ` +
          `understands (${STATE_SCHEMA_VERSION}). Upgrade huntpack or use another --state file.`,
      )
    }
  }

  private async append<T>(
    table: string,
    items: readonly T[],
    appendRow: (appender: DuckDBAppender, item: T) => void,
  ): Promise<void> {
    if (items.length === 0) return
    const appender = await this.connection.createAppender(table)
    try {
      for (const item of items) {
        appendRow(appender, item)
        appender.endRow()
      }
      appender.flushSync()
    } finally {
      appender.closeSync()
    }
  }

  private async rows(
    sql: string,
    values?: DuckDBValue[],
  ): Promise<Record<string, DuckDBValue>[]> {
    const reader = await this.connection.runAndReadAll(sql, values)
    return reader.getRowObjects()
  }

  private async scalarNumber(sql: string): Promise<number | undefined> {
    const reader = await this.connection.runAndReadAll(sql)
    const value = reader.getRows()[0]?.[0]
    return value === null || value === undefined ? undefined : Number(value)
  }
}

async function openInstance(
  statePath: string,
  lock: StateLock | undefined,
): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.create(statePath)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    // DuckDB's own lock: "Could not set lock on file ... Conflicting lock is held".
    if (/Could not set lock/i.test(message)) {
      throw new StateLockedError(
        statePath,
        lock?.lockPath ?? `${statePath}.lock`,
        undefined,
      )
    }
    throw new StateFileError(
      statePath,
      `Cannot open ${statePath} as a huntpack state database (${message}). ` +
        'Pass another file with --state, or move this one away to start a new state.',
      { cause: error },
    )
  }
}

function toStoredIndicator(row: Record<string, DuckDBValue>): StoredIndicator {
  const stored: StoredIndicator = {
    indicator: JSON.parse(String(row.indicator)) as Indicator,
    status: String(row.status) as IndicatorStatus,
    addedRun: Number(row.added_run),
    changedRun: Number(row.changed_run),
  }
  if (row.status_reason !== null)
    stored.statusReason = String(row.status_reason)
  return stored
}

function appendIndicatorRow(
  appender: DuckDBAppender,
  item: StoredIndicator,
): void {
  const indicator = item.indicator
  appender.appendVarchar(indicator.key)
  appender.appendVarchar(indicator.type)
  appender.appendVarchar(indicator.value)
  if (indicator.port === undefined) appender.appendNull()
  else appender.appendInteger(indicator.port)
  appendOptionalVarchar(appender, indicator.url?.host)
  appender.appendVarchar(indicator.family)
  appender.appendVarchar(indicator.threatType)
  appender.appendDouble(indicator.confidence)
  appender.appendVarchar(indicator.firstSeen)
  appendOptionalVarchar(appender, indicator.lastSeen)
  appender.appendVarchar(JSON.stringify(indicator.origins))
  appender.appendVarchar(JSON.stringify(indicator.tags))
  appender.appendVarchar(JSON.stringify(indicator))
  appender.appendVarchar(item.status)
  appendOptionalVarchar(appender, item.statusReason)
  appender.appendInteger(item.addedRun)
  appender.appendInteger(item.changedRun)
}

function appendOptionalVarchar(
  appender: DuckDBAppender,
  value: string | undefined,
): void {
  if (value === undefined) appender.appendNull()
  else appender.appendVarchar(value)
}
