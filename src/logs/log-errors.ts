import { SUPPORTED_LOG_FORMATS } from './log-format.ts'

/** The content of a log file matches none of the supported formats. */
export class UnknownLogFormatError extends Error {
  override name = 'UnknownLogFormatError'

  constructor(
    readonly file: string,
    readonly firstLine: string,
    readonly detail?: string,
  ) {
    const excerpt =
      firstLine.length > 120 ? `${firstLine.slice(0, 120)}…` : firstLine
    super(
      `${file}: unknown log format` +
        (detail ? ` (${detail})` : '') +
        `; first non-empty line: ${JSON.stringify(excerpt)}. ` +
        `Supported formats: ${SUPPORTED_LOG_FORMATS.map((f) => f.description).join('; ')}. ` +
        'Export the logs in one of these formats or leave the file out.',
    )
  }
}

/** A log file could not be opened or read. */
export class LogFileError extends Error {
  override name = 'LogFileError'

  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super(
      `${file}: cannot read the log file (${reason}). Check the path and its permissions.`,
      {
        cause,
      },
    )
  }
}
