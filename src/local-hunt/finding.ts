/**
 * One log row that a hunting query matched, for one indicator. When several
 * queries match the same row of the same family for the same indicator,
 * they produce one finding: `query` is the first in run order and
 * `otherQueries` lists the rest.
 */
export interface Finding {
  family: string
  /**
   * The matched value as the query reports it. For huntpack's queries this
   * is `MatchedIndicator` (`address:port` when the port matched too). For
   * other queries it is the list value a where clause matched, or "" when
   * the engine could not tell which value matched.
   */
  indicator: string
  /** True when address and port matched, false for an address-only match, null when the hunt has no port. */
  portMatched: boolean | null
  /** Log column that held the indicator, when known. */
  matchedColumn: string | null
  /** Table the log row was loaded into, for example `DeviceNetworkEvents`. */
  table: string
  /** Event time, ISO 8601 UTC with milliseconds; null when the row has none. */
  time: string | null
  hosts: {
    device: string | null
    /** `host (address)`, the host or the address of the connection source. */
    source: string | null
    destination: string | null
  }
  /** Acting process (path or file name), when the table records one. */
  process: string | null
  /** Query file, relative to the packages folder. */
  query: string
  otherQueries: string[]
  /** Log file and 1-based line the row was read from. */
  logFile: string
  logLine: number
}
