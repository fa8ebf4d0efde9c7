import { homedir } from 'node:os'
import path from 'node:path'

/**
 * Returns where the state database lives when `--state` is not given:
 * `$XDG_STATE_HOME/huntpack/state.duckdb`, or
 * `~/.local/state/huntpack/state.duckdb` when `XDG_STATE_HOME` is unset or
 * not absolute (the XDG Base Directory Specification ignores relative
 * values). A fixed per-user place keeps scheduled runs from different
 * working folders on one history.
 */
export function defaultStatePath(
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  const xdg = env.XDG_STATE_HOME
  const base =
    xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'state')
  return path.join(base, 'huntpack', 'state.duckdb')
}
