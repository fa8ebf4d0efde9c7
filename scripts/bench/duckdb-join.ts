/**
 * The baseline a hunter could write by hand: DuckDB reads the Zeek conn log
 * with its own CSV reader and joins it with the indicator endpoints.
 */
import { DuckDBInstance } from '@duckdb/node-api'

import type { Endpoint } from './make-bench-inputs.ts'

// The 22 fields of the Zeek conn log's `#fields` line, ports as integers.
const CONN_COLUMNS = `{'ts': 'VARCHAR', 'uid': 'VARCHAR', 'orig_h': 'VARCHAR', 'orig_p': 'INTEGER', 'resp_h': 'VARCHAR', 'resp_p': 'INTEGER', 'proto': 'VARCHAR', 'service': 'VARCHAR', 'duration': 'VARCHAR', 'orig_bytes': 'VARCHAR', 'resp_bytes': 'VARCHAR', 'conn_state': 'VARCHAR', 'local_orig': 'VARCHAR', 'local_resp': 'VARCHAR', 'missed_bytes': 'VARCHAR', 'history': 'VARCHAR', 'orig_pkts': 'VARCHAR', 'orig_ip_bytes': 'VARCHAR', 'resp_pkts': 'VARCHAR', 'resp_ip_bytes': 'VARCHAR', 'tunnel_parents': 'VARCHAR', 'ip_proto': 'VARCHAR'}`

/** Returns the wall time of the join and its match counts. */
export async function runDuckDbJoin(
  log: string,
  endpoints: Endpoint[],
): Promise<{ seconds: number; portMatches: number; addressMatches: number }> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    await connection.run('CREATE TABLE ioc (ip VARCHAR, port INTEGER)')
    const appender = await connection.createAppender('ioc')
    for (const endpoint of endpoints) {
      appender.appendVarchar(endpoint.ip)
      appender.appendInteger(endpoint.port)
      appender.endRow()
    }
    appender.closeSync()

    const started = performance.now()
    // The log path is the benchmark's own temp file, never feed data.
    const reader = await connection.runAndReadAll(`
      WITH conn AS (
        SELECT orig_h, orig_p, resp_h, resp_p
        FROM read_csv('${log.replaceAll("'", "''")}', delim = '\t', header = false,
          comment = '#', quote = '', escape = '', auto_detect = false, columns = ${CONN_COLUMNS})
      )
      SELECT
        count(*) FILTER (WHERE
          EXISTS (SELECT 1 FROM ioc WHERE ioc.ip = conn.resp_h AND ioc.port = conn.resp_p)
          OR EXISTS (SELECT 1 FROM ioc WHERE ioc.ip = conn.orig_h AND ioc.port = conn.orig_p)),
        count(*) FILTER (WHERE conn.resp_h IN (SELECT ip FROM ioc)
          OR conn.orig_h IN (SELECT ip FROM ioc))
      FROM conn`)
    const [portMatches, addressMatches] = reader.getRows()[0].map(Number)
    return {
      seconds: (performance.now() - started) / 1000,
      portMatches,
      addressMatches,
    }
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}
