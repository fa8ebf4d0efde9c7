import {
  closeSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs'

/** Raised when another huntpack process holds the state file. */
export class StateLockedError extends Error {
  constructor(
    readonly statePath: string,
    readonly lockPath: string,
    holder: LockHolder | undefined,
  ) {
    const who = holder
      ? `process ${holder.pid} (huntpack ${holder.command}, started ${holder.started})`
      : 'another process'
    super(
      `State file ${statePath} is in use by ${who}. Wait for it to finish; ` +
        `if that process no longer exists, delete ${lockPath}.`,
    )
    this.name = 'StateLockedError'
  }
}

/** Contents of a lock file. */
export interface LockHolder {
  pid: number
  command: string
  /** ISO 8601 UTC. */
  started: string
}

/** A held lock; {@link release} removes the lock file. */
export interface StateLock {
  lockPath: string
  release(): void
}

/**
 * Takes `<statePath>.lock`, created exclusively with the holder's pid and
 * command. A lock left by a process that no longer runs (for example one
 * killed with SIGKILL) is taken over. The lock is also removed when the
 * process exits normally.
 *
 * NOTE: a stale lock whose pid was reused by an unrelated process is taken
 * as live; the message tells the user which file to delete.
 *
 * @throws StateLockedError when a running process holds the lock.
 */
export function acquireStateLock(
  statePath: string,
  command: string,
): StateLock {
  const lockPath = `${statePath}.lock`
  const holder: LockHolder = {
    pid: process.pid,
    command,
    started: new Date().toISOString(),
  }

  if (!tryCreate(lockPath, holder)) {
    const existing = readHolder(lockPath)
    if (existing && isRunning(existing.pid)) {
      throw new StateLockedError(statePath, lockPath, existing)
    }
    removeIfPresent(lockPath)
    if (!tryCreate(lockPath, holder)) {
      throw new StateLockedError(statePath, lockPath, readHolder(lockPath))
    }
  }

  let released = false
  const release = () => {
    if (released) return
    released = true
    process.off('exit', release)
    const current = readHolder(lockPath)
    if (current?.pid === process.pid) removeIfPresent(lockPath)
  }
  process.on('exit', release)
  return { lockPath, release }
}

function tryCreate(lockPath: string, holder: LockHolder): boolean {
  let fd: number
  try {
    fd = openSync(lockPath, 'wx')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`)
  } finally {
    closeSync(fd)
  }
  return true
}

function readHolder(lockPath: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(
      readFileSync(lockPath, 'utf8'),
    ) as Partial<LockHolder>
    if (typeof parsed.pid !== 'number') return undefined
    return {
      pid: parsed.pid,
      command: String(parsed.command ?? 'unknown'),
      started: String(parsed.started ?? 'unknown'),
    }
  } catch {
    // A lock file cut short by a crash between create and write has no pid.
    return undefined
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}
