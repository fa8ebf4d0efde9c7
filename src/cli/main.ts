import { Command, CommanderError } from 'commander'

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
