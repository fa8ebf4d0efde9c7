import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The repository root, where `bin/huntpack.js` is. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Output and exit of one CLI run. */
export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** A started CLI process whose output is collected as it arrives. */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams
  stdout: () => string
  stderr: () => string
  /** Resolves once stdout or stderr matches `pattern`; rejects if the process exits first. */
  waitFor: (pattern: RegExp, stream?: 'stdout' | 'stderr') => Promise<void>
  exited: Promise<CliResult>
}

/**
 * Environment for CLI runs: the test process's own, without the ThreatFox
 * variables and `CI`, plus `extra`.
 */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of Object.keys(env)) {
    if (name.startsWith('THREATFOX_') || name === 'CI') delete env[name]
  }
  return { ...env, ...extra }
}

/** Starts `node bin/huntpack.js ...args` in the repository root. */
export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = cliEnv(),
): CliProcess {
  return startNode(['bin/huntpack.js', ...args], env)
}

/** Starts `node --import tsx script ...args` in the repository root. */
export function startTsScript(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = cliEnv(),
): CliProcess {
  return startNode(['--import', 'tsx', script, ...args], env)
}

/** Runs the CLI to completion. */
export function runCli(
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<CliResult> {
  return startCli(args, env).exited
}

function startNode(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): CliProcess {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stdin.end()
  let stdout = ''
  let stderr = ''
  const listeners = new Set<() => void>()
  const notify = () => listeners.forEach((listener) => listener())
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8')
    notify()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8')
    notify()
  })

  let done = false
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      done = true
      notify()
      resolve({ code, signal, stdout, stderr })
    })
  })

  const waitFor = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout') =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        const text = stream === 'stdout' ? stdout : stderr
        if (pattern.test(text)) {
          listeners.delete(check)
          resolve()
        } else if (done) {
          listeners.delete(check)
          reject(
            new Error(
              `process exited before ${pattern} appeared on ${stream}:\n${stdout}\n${stderr}`,
            ),
          )
        }
      }
      listeners.add(check)
      check()
    })

  return { child, stdout: () => stdout, stderr: () => stderr, waitFor, exited }
}
