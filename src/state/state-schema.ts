/** Version of the tables below; stored in `huntpack_schema`. */
export const STATE_SCHEMA_VERSION = 1

/**
 * Tables of the state database. Times are ISO 8601 UTC text
 * (`2026-04-11T19:37:36Z`), lists and objects are JSON text.
 *
 * - `runs`: one row per `ingest`, `fetch` or watch cycle that changed the
 *   state, written in the same transaction as its changes.
 * - `indicators`: one row per indicator key (observable and family) with
 *   its merged feed data, its lifecycle status (`active`, `expired`,
 *   `allow-listed` or `below-confidence`), the reason, and the runs that
 *   added and last changed it.
 * - `indicator_events`: what each run did to each indicator (`added`,
 *   `updated`, `status`), the raw material of changelogs.
 * - `builds`, `build_families`, `build_indicators`: what each package build
 *   wrote, so the next build can tell which families changed.
 */
export const STATE_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS huntpack_schema (version INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  started VARCHAR NOT NULL,
  finished VARCHAR NOT NULL,
  command VARCHAR NOT NULL,
  sources VARCHAR NOT NULL,
  lifecycle_now VARCHAR NOT NULL,
  counts VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS indicators (
  key VARCHAR PRIMARY KEY,
  type VARCHAR NOT NULL,
  value VARCHAR NOT NULL,
  port INTEGER,
  url_host VARCHAR,
  family VARCHAR NOT NULL,
  threat_type VARCHAR NOT NULL,
  confidence DOUBLE NOT NULL,
  first_seen VARCHAR NOT NULL,
  last_seen VARCHAR,
  origins VARCHAR NOT NULL,
  tags VARCHAR NOT NULL,
  indicator VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  status_reason VARCHAR,
  added_run INTEGER NOT NULL,
  changed_run INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS indicator_events (
  run_id INTEGER NOT NULL,
  key VARCHAR NOT NULL,
  family VARCHAR NOT NULL,
  event VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  reason VARCHAR
);

CREATE TABLE IF NOT EXISTS builds (
  id INTEGER PRIMARY KEY,
  built VARCHAR NOT NULL,
  out_dir VARCHAR NOT NULL,
  last_run INTEGER,
  counts VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS build_families (
  build_id INTEGER NOT NULL,
  family VARCHAR NOT NULL,
  slug VARCHAR NOT NULL,
  content_hash VARCHAR NOT NULL,
  files_hash VARCHAR NOT NULL,
  changed_build INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS build_indicators (
  build_id INTEGER NOT NULL,
  family VARCHAR NOT NULL,
  key VARCHAR NOT NULL,
  fingerprint VARCHAR NOT NULL
);
`
