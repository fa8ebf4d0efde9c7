import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { SingleBar } from 'cli-progress'
import { CommanderError, type Command } from 'commander'
import {
  KqlValidator,
  type KqlDiagnostic,
} from '../../validation/kql-validator.ts'

interface OutputStream {
  write(text: string): unknown
  isTTY?: boolean
}

/** Dependencies of `huntpack validate` outside itself, which tests replace. */
export interface ValidateDependencies {
  /** Returns the diagnostics of one query text. */
  validate: (query: string) => readonly KqlDiagnostic[]
  stdout: OutputStream
  stderr: OutputStream
  env: NodeJS.ProcessEnv
}

const defaultDependencies = (): ValidateDependencies => ({
  validate: (query) => KqlValidator.shared().validate(query),
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
})

/** Exit status of `huntpack validate`. */
export const VALIDATE_EXIT = {
  valid: 0,
  /** At least one query has an error diagnostic. */
  invalid: 1,
  /** A path could not be read, or a folder contains no `.kql` file. */
  unreadable: 2,
} as const

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  ENOTDIR: 'a part of the path is not a folder',
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  const reason = (code && READ_ERRORS[code]) ?? (error as Error).message
  return code ? `${reason} (${code})` : reason
}

/**
 * Expands the command-line paths: a file stays as given, a folder becomes
 * its `.kql` files at any depth, sorted by path.
 */
async function expandPaths(
  paths: readonly string[],
  problems: string[],
): Promise<string[]> {
  const files: string[] = []
  for (const given of paths) {
    try {
      if (!(await stat(given)).isDirectory()) {
        files.push(given)
        continue
      }
      const entries = await readdir(given, {
        recursive: true,
        withFileTypes: true,
      })
      const queries = entries
        .filter((entry) => entry.isFile() && entry.name.endsWith('.kql'))
        .map((entry) => path.join(entry.parentPath, entry.name))
        .sort()
      if (queries.length === 0) {
        problems.push(`${given}: error: the folder has no .kql files`)
      }
      files.push(...queries)
    } catch (error) {
      problems.push(`${given}: error: cannot read: ${readProblem(error)}`)
    }
  }
  return files
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** Shows file progress on a terminal, and nothing when stderr is not a TTY or `CI` is set. */
function createProgress(dependencies: ValidateDependencies, total: number) {
  const { stderr, env } = dependencies
  if (!stderr.isTTY || env.CI) return { update: () => {}, stop: () => {} }

  const bar = new SingleBar({
    stream: stderr as NodeJS.WritableStream,
    format: 'Validating queries [{bar}] {value}/{total}',
    clearOnComplete: true,
    hideCursor: true,
  })
  bar.start(total, 0)
  return { update: (done: number) => bar.update(done), stop: () => bar.stop() }
}

/**
 * Runs `huntpack validate`: checks each `.kql` file (a folder stands for the
 * `.kql` files in it) as one query text, which may start with `//` comment
 * lines and `let` statements. It prints one `FILE:LINE:COLUMN: SEVERITY:
 * MESSAGE` line per diagnostic and a summary line to stdout, and one line
 * per unreadable path to stderr. Output is written after all files are
 * checked, so that a progress bar on stderr does not mix with it.
 *
 * @returns the exit status: 0 when every query is valid (warnings allowed),
 *   1 when any query has an error, 2 when any path could not be read or a
 *   folder contains no `.kql` file, even if other files had errors.
 */
export async function runValidate(
  paths: readonly string[],
  dependencies: ValidateDependencies = defaultDependencies(),
): Promise<number> {
  const problems: string[] = []
  const files = await expandPaths(paths, problems)
  const lines: string[] = []
  const counts = { checked: 0, failed: 0, errors: 0, warnings: 0 }

  const progress = createProgress(dependencies, files.length)
  try {
    for (const file of files) {
      let text: string
      try {
        text = await readFile(file, 'utf8')
      } catch (error) {
        problems.push(`${file}: error: cannot read: ${readProblem(error)}`)
        continue
      }
      // Editors on Windows may save a byte order mark, which is not query text.
      if (text.startsWith('\ufeff')) text = text.slice(1)

      const diagnostics = dependencies.validate(text)
      for (const d of diagnostics) {
        lines.push(`${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`)
      }
      const errors = diagnostics.filter((d) => d.severity === 'error').length
      counts.checked += 1
      counts.errors += errors
      counts.warnings += diagnostics.filter(
        (d) => d.severity === 'warning',
      ).length
      if (errors > 0) counts.failed += 1
      progress.update(counts.checked)
    }
  } finally {
    progress.stop()
  }

  let summary =
    `${plural(counts.checked, 'file')} checked, ${counts.failed} with errors: ` +
    `${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}`
  if (problems.length > 0) {
    summary += `; ${plural(problems.length, 'path')} could not be checked`
  }
  lines.push(summary)

  for (const problem of problems) dependencies.stderr.write(`${problem}\n`)
  dependencies.stdout.write(`${lines.join('\n')}\n`)
  if (problems.length > 0) return VALIDATE_EXIT.unreadable
  return counts.errors > 0 ? VALIDATE_EXIT.invalid : VALIDATE_EXIT.valid
}

/**
 * Adds the `validate` subcommand to `program`. A failing run ends in a
 * CommanderError whose `exitCode` is the status of {@link runValidate},
 * after the diagnostics and summary are printed.
 */
export function registerValidateCommand(
  program: Command,
  dependencies?: Partial<ValidateDependencies>,
): Command {
  return program
    .command('validate')
    .description(
      'Check KQL query files with the Kusto parser against the Sentinel table catalog',
    )
    .argument(
      '<path...>',
      'a .kql file, checked as one query text, or a folder whose .kql files are checked',
    )
    .action(async (paths: string[]) => {
      const status = await runValidate(paths, {
        ...defaultDependencies(),
        ...dependencies,
      })
      if (status !== VALIDATE_EXIT.valid) {
        throw new CommanderError(
          status,
          'huntpack.validate.failed',
          'one or more KQL files are invalid or unreadable',
        )
      }
    })
}
