import { Command, CommanderError } from 'commander'
import { registerBuildCommand } from './commands/build.ts'
import { registerFetchCommand } from './commands/fetch.ts'
import { registerHuntCommand } from './commands/hunt.ts'
import { registerIngestCommand } from './commands/ingest.ts'
import { registerWatchCommand } from './commands/watch.ts'
import { registerValidateCommand } from './commands/validate.ts'

/**
 * Builds the `huntpack` command line. Each subcommand lives in its own file
 * under `src/cli/commands/` and registers itself here.
 */
export function createProgram(): Command {
  const program = new Command('huntpack')
    .description(
      'Turn threat-intelligence feeds into validated Microsoft Sentinel hunting packages',
    )
    .exitOverride()
  // Subcommand registrations, one line each:
  registerBuildCommand(program)
  registerIngestCommand(program)
  registerFetchCommand(program)
  registerWatchCommand(program)
  registerHuntCommand(program)
  registerValidateCommand(program)
  return program
}

/** Runs the command line and returns the process exit status. */
export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv)
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`huntpack: ${message}\n`)
    return 1
  }
}
