import type { Command } from 'commander'
import { ingestIntoState } from '../../lifecycle/ingest-into-state.ts'
import { StateStore } from '../../state/state-store.ts'
import { formatRunReport } from './format-run-report.ts'
import {
  addStateOptions,
  resolveStateSettings,
  type StateCommandOptions,
} from './state-options.ts'

interface IngestCommandOptions extends StateCommandOptions {
  verbose: boolean
}

/**
 * Runs `huntpack ingest`: adds the feed files to the state as one run,
 * re-evaluates every indicator's lifecycle status and prints the report.
 */
export async function runIngest(
  feeds: string[],
  options: IngestCommandOptions,
  stdout: { write(text: string): unknown } = process.stdout,
): Promise<void> {
  const settings = resolveStateSettings(options)
  const store = await StateStore.open(settings.statePath, { command: 'ingest' })
  try {
    const { report, ingest } = await ingestIntoState(store, {
      command: 'ingest',
      paths: feeds,
      policy: settings.policy,
      allowlist: settings.allowlist,
      now: settings.now,
    })
    stdout.write(
      formatRunReport(report, ingest.rejected, store.path, options.verbose),
    )
  } finally {
    store.close()
  }
}

/** Adds the `ingest` subcommand to `program`. */
export function registerIngestCommand(program: Command): Command {
  const command = program
    .command('ingest')
    .description(
      "Add feed files to the state database and update every indicator's status",
    )
    .argument(
      '<feed...>',
      'ThreatFox JSON export, API response, CSV export or ZIP of one',
    )
  return addStateOptions(command)
    .option('--verbose', 'list every rejected record', false)
    .action(async (feeds: string[], options: IngestCommandOptions) => {
      await runIngest(feeds, options)
    })
}
